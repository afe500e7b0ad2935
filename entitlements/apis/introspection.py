"""``POST /api/v1/introspect``: RFC 7662 token introspection for model API clients."""

from __future__ import annotations

from typing import Any

from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entitlements import jws
from entitlements.authentication import IsModelClient, ModelClientAuthentication
from entitlements.introspection import introspect
from entitlements.models import ModelClient
from entitlements.schema import IntrospectionSerializer
from idverify.api_input import StrictInput


@method_decorator(sensitive_post_parameters("token", "client_secret"), name="dispatch")
@method_decorator(never_cache, name="dispatch")
class IntrospectApi(APIView):
    """RFC 7662 for model APIs: is this token valid for my tier, right now?"""

    authentication_classes = [ModelClientAuthentication]
    permission_classes = [IsModelClient]
    # Model APIs call this at traffic rates; failed logins are limited instead.
    throttle_classes: list[Any] = []
    parser_classes = [parsers.FormParser, parsers.MultiPartParser]

    class InputSerializer(StrictInput):
        class Meta:
            ref_name = "Introspection"  # as a request body: IntrospectionRequest

        # Blank is a token like any other that is not valid: {"active": false}.
        token = serializers.CharField(max_length=16384, trim_whitespace=False, allow_blank=True)
        token_type_hint = serializers.CharField(required=False)

    @extend_schema(
        request={"application/x-www-form-urlencoded": InputSerializer},
        responses={200: IntrospectionSerializer},
        summary="Introspect an entitlement token (RFC 7662, model API clients)",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = request.auth
        assert isinstance(client, ModelClient)  # noqa: S101 - IsModelClient guarantees it
        claims = introspect(token=serializer.validated_data["token"], audience=client.tier.slug)
        if claims is None:
            return Response({"active": False})
        body: dict[str, Any] = {
            "active": True,
            "token_type": jws.TOKEN_TYP,
            "iss": claims.iss,
            "sub": claims.sub,
            "aud": claims.aud,
            "iat": claims.iat,
            "nbf": claims.nbf,
            "exp": claims.exp,
            "jti": claims.jti,
            "usp": claims.usp._asdict(),
            "org": claims.org,
            "ial": claims.ial,
            "evd": list(claims.evd),
            "geo": claims.geo._asdict(),
            "epoch": claims.epoch,
        }
        if claims.cnf_jkt is not None:
            body["cnf"] = {"jkt": claims.cnf_jkt}
        return Response(body)
