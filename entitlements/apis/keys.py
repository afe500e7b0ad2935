"""``GET /.well-known/jwks.json``: the public keys that sign tokens and the revocation document."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from entitlements.middleware import jwks_response
from entitlements.schema import JwksSerializer


class JwksApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    # Verifiers behind one address all fetch this; it is cheap and cached.
    throttle_classes: list[Any] = []

    @extend_schema(responses={200: JwksSerializer}, summary="Public signing keys (JWKS)")
    def get(self, request: Request) -> HttpResponse:
        # The ready bytes PolledDocumentsMiddleware serves; here for what it passes on.
        return jwks_response(request._request)
