"""Organisations: register, read, verify, reject or suspend (officers), prove the domain."""

from __future__ import annotations

from typing import Any, Protocol

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import declarations
from accounts.models import DomainChallenge, Organization, User
from accounts.selectors.domain_challenges import domain_challenge_current
from accounts.selectors.memberships import organization_role, signing_officials
from accounts.selectors.organizations import (
    organization_ein_conflicts,
    organization_get,
    organization_get_managed,
    organization_list,
    pending_expires_at,
)
from accounts.selectors.users import request_user
from accounts.services import domain_challenges, organizations
from idverify.api_input import StrictInput
from idverify.errors import NotFound
from idverify.openapi import ApiError


class OrganizationOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    legal_name = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    country_of_incorporation = serializers.CharField()
    state_of_incorporation = serializers.CharField()
    ein = serializers.CharField()
    uei = serializers.CharField()
    website_domain = serializers.CharField()
    domain_verified_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class ChallengeOutput(serializers.Serializer[Any]):
    record_name = serializers.CharField(help_text="Publish a TXT record at this name.")
    record_value = serializers.CharField(help_text="The TXT record's exact value.")
    expires_at = serializers.DateTimeField()
    verified_at = serializers.DateTimeField(allow_null=True)
    last_checked_at = serializers.DateTimeField(allow_null=True)
    last_result = serializers.CharField()


class ReasonInput(StrictInput):
    reason = serializers.CharField(max_length=300)


class DeclarationApi(APIView):
    class OutputSerializer(serializers.Serializer[Any]):
        version = serializers.CharField()
        text = serializers.CharField()
        sha256 = serializers.CharField()

    @extend_schema(responses=OutputSerializer, summary="The declaration a registrant signs")
    def get(self, request: Request) -> Response:
        current = declarations.CURRENT
        data = {"version": current.version, "text": current.text, "sha256": current.sha256}
        return Response(self.OutputSerializer(data).data)


class OrganizationListCreateApi(APIView):
    class InputSerializer(StrictInput):
        legal_name = serializers.CharField(max_length=200)
        country_of_incorporation = serializers.CharField(max_length=2)
        state_of_incorporation = serializers.CharField(
            max_length=6, required=False, allow_blank=True, default=""
        )
        ein = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
        uei = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
        website_domain = serializers.CharField(
            max_length=300, required=False, allow_blank=True, default=""
        )
        signature_name = serializers.CharField(max_length=200)
        declaration_sha256 = serializers.CharField(
            max_length=64, help_text="sha256 from GET /api/v1/declarations/organization"
        )
        declaration_accepted = serializers.BooleanField()

    @extend_schema(responses=OrganizationOutput(many=True), summary="Your organisations")
    def get(self, request: Request) -> Response:
        listed = organization_list(viewer=request_user(request))
        return Response(OrganizationOutput(listed, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OrganizationOutput,
            409: ApiError("Too many of your registrations are waiting for review."),
        },
        summary="Register an organisation (you sign its declaration)",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        org = organizations.organization_register(
            actor=request_user(request),
            details=organizations.RegistrationDetails.from_data(data),
            signature_name=data["signature_name"],
            declaration_sha256=data["declaration_sha256"],
            declaration_accepted=data["declaration_accepted"],
        )
        return Response(OrganizationOutput(org).data, status=status.HTTP_201_CREATED)


class EinConflictOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    legal_name = serializers.CharField()
    status = serializers.CharField()
    registered_by = serializers.EmailField(source="registered_by.email", allow_null=True)
    created_at = serializers.DateTimeField()


class OrganizationDetailApi(APIView):
    class OutputSerializer(OrganizationOutput):
        your_role = serializers.CharField(allow_null=True)
        signing_officials = serializers.IntegerField()
        recommendation = serializers.CharField(allow_blank=True)
        pending_expires_at = serializers.DateTimeField(
            allow_null=True, help_text="When a pending registration expires unless verified."
        )
        ein_conflicts = EinConflictOutput(
            many=True,
            help_text="Compliance officers only (empty for others): other organisations "
            "holding this EIN.",
        )

    @extend_schema(responses=OutputSerializer, summary="One organisation")
    def get(self, request: Request, org_id: str) -> Response:
        viewer = request_user(request)
        org = organization_get(viewer=viewer, public_id=org_id)
        signers = signing_officials(organization=org).count()
        conflicts = organization_ein_conflicts(viewer=viewer, organization=org)
        data = OrganizationOutput(org).data | {
            "pending_expires_at": pending_expires_at(org),
            "ein_conflicts": EinConflictOutput(conflicts, many=True).data,
            "your_role": organization_role(user=viewer, organization=org),
            "signing_officials": signers,
            "recommendation": (
                "Appoint at least two signing officials, so sponsorships can be given and "
                "revoked when one is away."
                if signers < 2
                else ""
            ),
        }
        return Response(data)


class _OfficerDecision(Protocol):
    def __call__(self, *, actor: User, organization: Organization, reason: str) -> Organization: ...


def _officer_decision(request: Request, org_id: str, decide: _OfficerDecision) -> Response:
    """An officer's decision about an organisation, with its reason (the service checks who)."""
    viewer = request_user(request)
    org = organization_get(viewer=viewer, public_id=org_id)
    serializer = ReasonInput(data=request.data)
    serializer.is_valid(raise_exception=True)
    org = decide(actor=viewer, organization=org, reason=serializer.validated_data["reason"])
    return Response(OrganizationOutput(org).data)


class OrganizationVerifyApi(APIView):
    @extend_schema(
        request=ReasonInput,
        responses={200: OrganizationOutput, 409: ApiError("It is not pending.")},
        summary="Verify a pending organisation (compliance officer)",
    )
    def post(self, request: Request, org_id: str) -> Response:
        return _officer_decision(request, org_id, organizations.organization_verify)


class OrganizationRejectApi(APIView):
    @extend_schema(
        request=ReasonInput,
        responses={200: OrganizationOutput, 409: ApiError("It is not pending.")},
        summary="Reject a pending registration; its EIN is released (compliance officer)",
    )
    def post(self, request: Request, org_id: str) -> Response:
        return _officer_decision(request, org_id, organizations.organization_reject)


class OrganizationSuspendApi(APIView):
    @extend_schema(
        request=ReasonInput,
        responses={200: OrganizationOutput, 409: ApiError("Its registration is closed.")},
        summary="Suspend an organisation and its sponsorships (compliance officer)",
    )
    def post(self, request: Request, org_id: str) -> Response:
        return _officer_decision(request, org_id, organizations.organization_suspend)


class DomainChallengeApi(APIView):
    @extend_schema(responses=ChallengeOutput, summary="The current DNS TXT record to publish")
    def get(self, request: Request, org_id: str) -> Response:
        org = organization_get_managed(viewer=request_user(request), public_id=org_id)
        challenge = domain_challenge_current(organization=org)
        if challenge is None:
            raise NotFound("No DNS record has been issued for this organisation.")
        return Response(_challenge(challenge))

    @extend_schema(
        request=None,
        responses={
            201: ChallengeOutput,
            409: ApiError("The organisation has no website domain, or its registration is closed."),
        },
        summary="Issue a new DNS TXT record",
    )
    def post(self, request: Request, org_id: str) -> Response:
        viewer = request_user(request)
        org = organization_get_managed(viewer=viewer, public_id=org_id, write=True)
        challenge = domain_challenges.domain_challenge_create(actor=viewer, organization=org)
        return Response(_challenge(challenge), status=status.HTTP_201_CREATED)


class DomainChallengeCheckApi(APIView):
    @extend_schema(
        request=None,
        responses={
            200: ChallengeOutput,
            409: ApiError(
                "`domain_not_proven`: the TXT record is not there (yet); or there is no "
                "current record to check."
            ),
            503: ApiError("DNS could not be asked; try again shortly."),
        },
        summary="Look the TXT record up now (409 domain_not_proven if it is not there)",
    )
    def post(self, request: Request, org_id: str) -> Response:
        viewer = request_user(request)
        org = organization_get_managed(viewer=viewer, public_id=org_id)
        challenge = domain_challenges.domain_challenge_check(actor=viewer, organization=org)
        return Response(_challenge(challenge))


def _challenge(challenge: DomainChallenge) -> dict[str, Any]:
    return dict(
        ChallengeOutput(
            {
                "record_name": challenge.record_name,
                "record_value": challenge.record_value,
                "expires_at": challenge.expires_at,
                "verified_at": challenge.verified_at,
                "last_checked_at": challenge.last_checked_at,
                "last_result": challenge.last_result,
            }
        ).data
    )
