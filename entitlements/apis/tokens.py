"""``POST /api/v1/tokens``: an entitlement token for one model (docs/tokens.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors.users import request_user as _user
from entitlements.policy import token_request_read
from entitlements.services.tokens import token_issue
from geo.selectors import request_signals
from idverify.api_input import StrictInput
from idverify.errors import EntitlementDenied, ValidationFailed
from idverify.openapi import ENTITLEMENT_DENIED, ERROR, ApiError


def _django_request(request: Request) -> HttpRequest:
    # geo reads the client address from the Django request DRF wraps.
    return request._request


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
        user = _user(request)
        # The tier and what the decision reads about the person: one statement.
        tier, facts = token_request_read(user, slug)
        if tier is None:
            raise ValidationFailed(
                fields={"model": [f"There is no model called {slug!r}. See GET /api/v1/tiers."]}
            )
        outcome = token_issue(
            user=user,
            tier=tier,
            signals=request_signals(_django_request(request)),
            jkt=serializer.validated_data.get("jkt"),
            facts=facts,
        )
        if outcome.token is None:
            raise EntitlementDenied([reason.as_api_dict() for reason in outcome.decision.reasons])
        # Built directly, in OutputSerializer's shape (a test holds it to it): the
        # serializer cost more CPU than signing the token.
        data = {
            "token": outcome.token,
            # A token always comes with its expiry.
            "expires_at": _TIMESTAMP.to_representation(cast(datetime, outcome.expires_at)),
            "claims": outcome.claims,
        }
        return Response(data, status=status.HTTP_201_CREATED)
