"""``GET /.well-known/idverify``: what a verifier needs to know about this service."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entitlements import publication
from entitlements.schema import MetadataSerializer


class MetadataApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list[Any] = []

    @extend_schema(responses={200: MetadataSerializer}, summary="Service metadata for verifiers")
    def get(self, request: Request) -> Response:
        response = Response(publication.metadata())
        response["Cache-Control"] = "public, max-age=3600"
        return response
