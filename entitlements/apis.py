"""The entitlements HTTP contract (docs/contract.md): tokens, keys, metadata, revocations.

Views are thin: validate, call one service or selector, serialise.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import parsers, permissions, renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis.common import request_user as _user
from entitlements import jws, publication, token_store
from entitlements.authentication import IsModelClient, ModelClientAuthentication
from entitlements.introspection import introspect
from entitlements.middleware import jwks_response, revocations_response
from entitlements.models import ModelClient
from entitlements.schema import IntrospectionSerializer, JwksSerializer, MetadataSerializer
from entitlements.services.revocations import revocation_create
from entitlements.services.tokens import token_issue
from geo.selectors import request_signals
from idverify.api_input import StrictInput
from idverify.errors import ValidationFailed
from idverify.openapi import ENTITLEMENT_DENIED, ERROR, ApiError


def _django_request(request: Request) -> HttpRequest:
    # geo reads the client address from the Django request DRF wraps.
    return request._request


class JwtRenderer(renderers.BaseRenderer):
    """Lets clients ask for ``application/jwt``; the views answer with ready bytes."""

    media_type = "application/jwt"
    format = "jwt"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        rendered: bytes = renderers.JSONRenderer().render(data)
        return rendered


# How the API writes a time (ISO 8601, UTC as Z), as a DateTimeField serializer does.
_TIMESTAMP = serializers.DateTimeField()


@method_decorator(never_cache, name="dispatch")
class TokenCreateApi(APIView):
    class InputSerializer(StrictInput):
        class Meta:
            ref_name = "Token"  # as a request body: TokenRequest

        model = serializers.CharField(max_length=64, help_text="The model tier slug, e.g. fable-5.")
        jkt = serializers.CharField(
            max_length=64,
            required=False,
            allow_blank=True,
            help_text="Optional RFC 7638 thumbprint of your key; binds the token to it (cnf.jkt).",
        )

    class OutputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "Token"

        token = serializers.CharField()
        expires_at = serializers.DateTimeField()
        claims = serializers.DictField()

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            403: ApiError(
                "Refused. The entitlement decision's refusal lists every reason, each with a "
                "stable code and a sentence (EntitlementDenied); any other refusal is a plain "
                "error.",
                shapes=(ENTITLEMENT_DENIED, ERROR),
            ),
            503: ApiError("No signing key can sign a token right now; /readyz says why."),
        },
        summary="Ask for an entitlement token for one model",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slug = serializer.validated_data["model"]
        tier = token_store.tier_for_token(slug=slug)
        if tier is None:
            raise ValidationFailed(
                fields={"model": [f"There is no model called {slug!r}. See GET /api/v1/tiers."]}
            )
        outcome = token_issue(
            user=_user(request),
            tier=tier,
            signals=request_signals(_django_request(request)),
            jkt=serializer.validated_data.get("jkt"),
        )
        if outcome.token is None:
            reasons = [reason.as_api_dict() for reason in outcome.decision.reasons]
            return Response(
                {
                    "error": {
                        "code": "entitlement_denied",
                        "message": " ".join(reason["message"] for reason in reasons),
                    },
                    "reasons": reasons,
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        # Built directly, in OutputSerializer's shape (a test holds it to it): the
        # serializer cost more CPU than signing the token.
        data = {
            "token": outcome.token,
            # A token always comes with its expiry.
            "expires_at": _TIMESTAMP.to_representation(cast(datetime, outcome.expires_at)),
            "claims": outcome.claims,
        }
        return Response(data, status=status.HTTP_201_CREATED)


class JwksApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    # Verifiers behind one address all fetch this; it is cheap and cached.
    throttle_classes: list[Any] = []

    @extend_schema(responses={200: JwksSerializer}, summary="Public signing keys (JWKS)")
    def get(self, request: Request) -> HttpResponse:
        # The ready bytes PolledDocumentsMiddleware serves; here for what it passes on.
        return jwks_response(request._request)


class MetadataApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list[Any] = []

    @extend_schema(responses={200: MetadataSerializer}, summary="Service metadata for verifiers")
    def get(self, request: Request) -> Response:
        response = Response(publication.metadata())
        response["Cache-Control"] = "public, max-age=3600"
        return response


# A compact JWS: three base64url parts, the payload's claims described in docs/.
REVOCATION_DOCUMENT = {
    "type": "string",
    "pattern": r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$",
}


class RevocationsApi(APIView):
    """GET the signed document (anyone); POST a revocation (compliance officers).

    One path with two operations by contract, so one view: each method keeps
    its own permissions and stays a few lines.
    """

    throttle_classes: list[Any] = []

    # Lenient on purpose: the service checks who asks before it says what is wrong
    # with the input, so a non-officer learns nothing about which ids exist.
    class InputSerializer(StrictInput):
        class Meta:
            ref_name = "Revocation"  # as a request body: RevocationRequest

        jti = serializers.CharField(required=False, max_length=64, help_text="A token's jti.")
        user = serializers.CharField(required=False, max_length=64, help_text="A user's id.")
        organization = serializers.CharField(
            required=False, max_length=64, help_text="An organisation's id."
        )
        reason = serializers.CharField(
            required=False, default="", allow_blank=True, max_length=500, help_text="Required."
        )

    class OutputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "Revocation"

        revoked = serializers.ChoiceField(choices=["jti", "user", "organization"])
        serial = serializers.IntegerField()

    def get_permissions(self) -> list[Any]:
        if self.request.method in ("GET", "HEAD"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_renderers(self) -> list[Any]:
        # Only the document is a JWS: anything else labelled application/jwt would be
        # JSON under a false name (and an error would lose its message on the way out).
        if getattr(self, "request", None) is not None and self.request.method in ("GET", "HEAD"):
            return [renderers.JSONRenderer(), JwtRenderer()]
        return [renderers.JSONRenderer()]

    def get_authenticators(self) -> list[Any]:
        # Pollers need no credentials; a stray session must not make them pay for CSRF.
        if getattr(self, "request", None) is not None and self.request.method in ("GET", "HEAD"):
            return []
        return super().get_authenticators()

    @extend_schema(
        responses={
            (200, "application/jwt"): OpenApiResponse(
                REVOCATION_DOCUMENT,
                description="The document as a compact JWS (typ revocations+jwt), signed with "
                "a key in the JWKS. Its ETag changes with it.",
            ),
            304: OpenApiResponse(description="Not modified (If-None-Match matched)."),
            503: ApiError("No signing key can sign the document right now; /readyz says why."),
        },
        parameters=[
            OpenApiParameter(
                "If-None-Match",
                location=OpenApiParameter.HEADER,
                description="The ETag of the copy you hold: 304 if it is still current.",
            ),
            OpenApiParameter(
                "ETag",
                location=OpenApiParameter.HEADER,
                response=[200, 304],
                required=True,
                description="Strong; changes whenever the document does.",
            ),
        ],
        summary="The signed revocation document (poll with If-None-Match)",
    )
    def get(self, request: Request) -> HttpResponse:
        # The ready bytes PolledDocumentsMiddleware serves; here for what it passes on.
        return revocations_response(request._request)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            404: ApiError("No token, person or organisation with that id."),
        },
        summary="Revoke a token, a person or an organisation's sponsorships",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kind, serial = revocation_create(actor=_user(request), **serializer.validated_data)
        return Response(
            self.OutputSerializer({"revoked": kind, "serial": serial}).data,
            status=status.HTTP_201_CREATED,
        )


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
