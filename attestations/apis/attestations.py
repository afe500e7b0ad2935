"""``/api/v1/attestations``: sign an attestation, read your current one."""

from __future__ import annotations

from typing import Any

from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors.users import request_user as _user
from attestations import selectors, services
from attestations.models import UsPersonStatus
from geo.selectors import request_signals
from idverify.api_input import StrictInput
from idverify.errors import NotFound
from idverify.openapi import ApiError


class AttestationOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    given_names = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    country_of_birth = serializers.CharField()
    citizenships = serializers.ListField(child=serializers.CharField())
    declaration_version = serializers.CharField()
    declaration_sha256 = serializers.CharField()
    signed_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    geo_clean = serializers.BooleanField()
    level = serializers.SerializerMethodField()

    def get_level(self, attestation: Any) -> int:
        return int(selectors.verification_status(user=attestation.user).level)


@method_decorator(never_cache, name="dispatch")
class AttestationCreateApi(APIView):
    class InputSerializer(StrictInput):
        status = serializers.ChoiceField(choices=UsPersonStatus.choices)
        given_names = serializers.CharField(max_length=200, allow_blank=True, default="")
        family_name = serializers.CharField(max_length=200)
        date_of_birth = serializers.DateField()
        country_of_birth = serializers.CharField(max_length=2)
        citizenships = serializers.ListField(
            child=serializers.CharField(max_length=2), allow_empty=True, max_length=30
        )
        declaration_version = serializers.CharField(
            max_length=32, help_text="The version from GET /api/v1/declarations/current."
        )
        signature_name = serializers.CharField(max_length=400)
        perjury_acknowledged = serializers.BooleanField()

    @extend_schema(
        request=InputSerializer,
        responses={
            201: AttestationOutput,
            409: ApiError("`declaration_changed`: sign the current declaration's version."),
        },
        summary="Sign an attestation (a current one is superseded)",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attestation = services.attestation_submit(
            user=_user(request),
            request_signals=request_signals(request),
            **serializer.validated_data,
        )
        return Response(AttestationOutput(attestation).data, status=status.HTTP_201_CREATED)


@method_decorator(never_cache, name="dispatch")
class AttestationCurrentApi(APIView):
    @extend_schema(
        responses={200: AttestationOutput, 404: ApiError("`no_attestation`: you have none.")},
        summary="Your current attestation",
    )
    def get(self, request: Request) -> Response:
        attestation = selectors.attestation_current(user=_user(request))
        if attestation is None:
            raise NotFound("You have no current attestation.", code="no_attestation")
        return Response(AttestationOutput(attestation).data)
