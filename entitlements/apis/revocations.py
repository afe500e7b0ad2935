"""``/api/v1/revocations``: the signed revocation document (GET), and revoking (POST)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors.users import request_user as _user
from entitlements.middleware import revocations_response
from entitlements.services.revocations import revocation_create
from idverify.api_input import StrictInput
from idverify.openapi import ApiError


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
