"""``GET /api/v1/declarations/current``: the declaration a person signs now."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from attestations import selectors


class DeclarationCurrentApi(APIView):
    class OutputSerializer(serializers.Serializer[Any]):
        version = serializers.CharField()
        text = serializers.CharField()
        sha256 = serializers.CharField()

    @extend_schema(responses=OutputSerializer, summary="The declaration to sign now")
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(selectors.declaration_current()).data)
