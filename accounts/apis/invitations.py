"""Invitations: list, send, resend, revoke; and accepting one as the invited person."""

from __future__ import annotations

from typing import Any

from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Invitation, Membership
from accounts.selectors.invitations import invitation_get, invitation_list
from accounts.selectors.organizations import organization_get_managed
from accounts.selectors.users import request_user
from accounts.services import invitations, memberships
from idverify.api_input import StrictInput
from idverify.openapi import ApiError


class InvitationOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    email = serializers.EmailField()
    role = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_sent_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class InvitationListCreateApi(APIView):
    class InputSerializer(StrictInput):
        email = serializers.CharField(max_length=254)
        role = serializers.ChoiceField(
            choices=list(memberships.ASSIGNABLE_ROLES), default=Membership.Role.MEMBER
        )

    @extend_schema(responses=InvitationOutput(many=True), summary="An organisation's invitations")
    def get(self, request: Request, org_id: str) -> Response:
        viewer = request_user(request)
        org = organization_get_managed(viewer=viewer, public_id=org_id)
        found = invitation_list(viewer=viewer, organization=org)
        return Response(InvitationOutput(found, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: InvitationOutput,
            409: ApiError(
                "They are a member or invited already, or the organisation cannot invite now."
            ),
        },
        summary="Invite someone by email (sent after the request commits)",
    )
    def post(self, request: Request, org_id: str) -> Response:
        viewer = request_user(request)
        org = organization_get_managed(viewer=viewer, public_id=org_id, write=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = invitations.invitation_create(
            actor=viewer, organization=org, **serializer.validated_data
        )
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


def _invitation(request: Request, org_id: str, invitation_id: str) -> Invitation:
    viewer = request_user(request)
    org = organization_get_managed(viewer=viewer, public_id=org_id, write=True)
    return invitation_get(viewer=viewer, organization=org, public_id=invitation_id)


class InvitationResendApi(APIView):
    @extend_schema(
        request=None,
        responses={200: InvitationOutput, 409: ApiError("It was accepted or revoked already.")},
        summary="Send a new link (the old one dies)",
    )
    def post(self, request: Request, org_id: str, invitation_id: str) -> Response:
        found = _invitation(request, org_id, invitation_id)
        resent = invitations.invitation_resend(
            actor=request_user(request), organization=found.organization, invitation=found
        )
        return Response(InvitationOutput(resent).data)


class InvitationRevokeApi(APIView):
    @extend_schema(
        responses={200: InvitationOutput, 409: ApiError("It was accepted or revoked already.")},
        summary="Withdraw an invitation",
    )
    def delete(self, request: Request, org_id: str, invitation_id: str) -> Response:
        found = _invitation(request, org_id, invitation_id)
        revoked = invitations.invitation_revoke(
            actor=request_user(request), organization=found.organization, invitation=found
        )
        return Response(InvitationOutput(revoked).data)


@method_decorator(sensitive_post_parameters("token"), name="dispatch")
class InvitationAcceptApi(APIView):
    class InputSerializer(StrictInput):
        token = serializers.CharField(max_length=100)

    class OutputSerializer(serializers.Serializer[Any]):
        organization = serializers.UUIDField(source="organization.public_id")
        organization_name = serializers.CharField(source="organization.legal_name")
        role = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            403: ApiError("The invitation was sent to another email address."),
            404: ApiError("The link is not valid, or a newer one replaced it."),
            409: ApiError("The invitation was used, withdrawn or has expired."),
        },
        summary="Accept an invitation sent to your email address",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        joined = invitations.invitation_accept(
            user=request_user(request), token=serializer.validated_data["token"]
        )
        return Response(self.OutputSerializer(joined).data)
