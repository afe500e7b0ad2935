"""Sponsorship of members by a signing official, and its revocation."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors.memberships import membership_get
from accounts.selectors.organizations import organization_get
from accounts.selectors.sponsorships import sponsorship_get, sponsorship_list
from accounts.selectors.users import request_user
from accounts.services import sponsorships
from idverify.api_input import StrictInput
from idverify.openapi import ApiError


class SponsorshipOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    user = serializers.UUIDField(source="user.public_id")
    email = serializers.EmailField(source="user.email")
    status = serializers.CharField()
    basis = serializers.CharField()
    sponsored_by = serializers.EmailField(source="sponsored_by.email")
    starts_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_reason = serializers.CharField()


class SponsorshipListCreateApi(APIView):
    class InputSerializer(StrictInput):
        user = serializers.CharField(help_text="The member's id (UUID)")
        basis = serializers.CharField(
            max_length=300, help_text='What you rely on, e.g. "I-9 on file, U.S. citizen"'
        )
        period_months = serializers.IntegerField(
            min_value=1,
            max_value=sponsorships.MAX_PERIOD_MONTHS,
            default=sponsorships.DEFAULT_PERIOD_MONTHS,
        )

    @extend_schema(responses=SponsorshipOutput(many=True), summary="An organisation's sponsorships")
    def get(self, request: Request, org_id: str) -> Response:
        viewer = request_user(request)
        org = organization_get(viewer=viewer, public_id=org_id)
        found = sponsorship_list(viewer=viewer, organization=org)
        return Response(SponsorshipOutput(found, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: SponsorshipOutput,
            409: ApiError("The organisation is not verified, or they are sponsored already."),
        },
        summary="Sponsor a member (signing official)",
    )
    def post(self, request: Request, org_id: str) -> Response:
        viewer = request_user(request)
        org = organization_get(viewer=viewer, public_id=org_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = membership_get(viewer=viewer, organization=org, user_public_id=data["user"])
        created = sponsorships.sponsorship_create(
            actor=viewer,
            organization=org,
            user=member.user,
            basis=data["basis"],
            expires_at=sponsorships.months_after(timezone.now(), data["period_months"]),
        )
        return Response(SponsorshipOutput(created).data, status=status.HTTP_201_CREATED)


class SponsorshipRevokeApi(APIView):
    class InputSerializer(StrictInput):
        reason = serializers.CharField(max_length=300)

    @extend_schema(
        request=InputSerializer,
        responses=SponsorshipOutput,
        summary="Revoke a sponsorship (signing official or compliance officer)",
    )
    def post(self, request: Request, org_id: str, sponsorship_id: str) -> Response:
        viewer = request_user(request)
        org = organization_get(viewer=viewer, public_id=org_id)
        found = sponsorship_get(viewer=viewer, organization=org, public_id=sponsorship_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        revoked = sponsorships.sponsorship_revoke(
            actor=viewer, sponsorship=found, reason=serializer.validated_data["reason"]
        )
        return Response(SponsorshipOutput(revoked).data)
