"""Potential restricted-party matches over HTTP, for compliance officers only.

``GET /api/v1/screening/matches`` and ``POST /api/v1/screening/matches/{id}/decision``
are in the contract (docs/contract.md). The officer check comes before any input check.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors.users import request_user
from screening.selectors import match_list
from screening.services.review import DECISIONS, match_decide

PAGE = 100


class MatchOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "ScreeningMatch"

    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    subject_kind = serializers.CharField()
    subject = serializers.JSONField(source="subject_data", help_text="What was screened.")
    user = serializers.UUIDField(source="user.public_id", allow_null=True, default=None)
    organization = serializers.UUIDField(
        source="organization.public_id", allow_null=True, default=None
    )
    entry = serializers.JSONField(source="entry_data", help_text="The list entry as it stood.")
    matched_name = serializers.CharField()
    score = serializers.FloatField()
    features = serializers.JSONField()
    list_version = serializers.CharField()
    context = serializers.CharField(help_text="Where the screening ran.")  # type: ignore[assignment]
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()


class MatchListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=["pending", "cleared", "confirmed"]),
            OpenApiParameter("kind", str, enum=["person", "organization"]),
            OpenApiParameter("q", str, description="part of a screened or matched name"),
            OpenApiParameter("offset", int),
        ],
        responses={200: MatchOutputSerializer(many=True)},
        summary="Potential restricted-party matches (compliance officers)",
    )
    def get(self, request: Request) -> Response:
        matches = match_list(
            viewer=request_user(request),
            status=request.query_params.get("status", ""),
            kind=request.query_params.get("kind", ""),
            search=request.query_params.get("q", ""),
        )
        raw = request.query_params.get("offset", "0")
        offset = int(raw) if raw.isdigit() else 0
        page = list(matches[offset : offset + PAGE])
        return Response(
            {
                "count": matches.count(),
                "offset": offset,
                "results": MatchOutputSerializer(page, many=True).data,
            }
        )


class MatchDecisionApi(APIView):
    # Lenient on purpose: the service checks the officer first, then the input.
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "ScreeningDecision"

        decision = serializers.CharField(
            required=False, default="", allow_blank=True, help_text=f"One of {DECISIONS}."
        )
        reason = serializers.CharField(
            required=False, default="", allow_blank=True, max_length=500, help_text="Required."
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: MatchOutputSerializer},
        summary="Clear or confirm a potential match (compliance officers)",
    )
    def post(self, request: Request, match_id: str) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        match = match_decide(
            officer=request_user(request), match_id=match_id, **serializer.validated_data
        )
        return Response(MatchOutputSerializer(match).data)
