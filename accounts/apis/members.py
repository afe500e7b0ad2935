"""Members of an organisation: the list, changing a role, removing someone."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Membership, Organization, User
from accounts.selectors.memberships import membership_get, membership_list
from accounts.selectors.organizations import organization_get, organization_get_managed
from accounts.selectors.users import request_user
from accounts.services import memberships
from idverify.api_input import StrictInput
from idverify.openapi import ApiError


class MemberOutput(serializers.Serializer[Any]):
    user = serializers.UUIDField(source="user.public_id")
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    role = serializers.CharField()


class OrganizationMembersApi(APIView):
    OutputSerializer = MemberOutput

    @extend_schema(responses=MemberOutput(many=True), summary="Members of an organisation")
    def get(self, request: Request, org_id: str) -> Response:
        viewer = request_user(request)
        organization = organization_get(viewer=viewer, public_id=org_id)
        members = membership_list(viewer=viewer, organization=organization)
        return Response(MemberOutput(members, many=True).data)


class OrganizationMemberApi(APIView):
    class InputSerializer(StrictInput):
        role = serializers.ChoiceField(choices=list(memberships.ASSIGNABLE_ROLES))

    def _member(self, request: Request, org_id: str, user_id: str) -> tuple[Organization, User]:
        viewer = request_user(request)
        org = organization_get_managed(viewer=viewer, public_id=org_id, write=True)
        found: Membership = membership_get(viewer=viewer, organization=org, user_public_id=user_id)
        return org, found.user

    @extend_schema(
        request=InputSerializer,
        responses={200: MemberOutput, 409: ApiError("They are the only signing official.")},
        summary="Change a role",
    )
    def patch(self, request: Request, org_id: str, user_id: str) -> Response:
        org, user = self._member(request, org_id, user_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changed = memberships.membership_role_set(
            actor=request_user(request),
            organization=org,
            user=user,
            role=serializer.validated_data["role"],
        )
        return Response(MemberOutput(changed).data)

    @extend_schema(
        responses={204: None, 409: ApiError("They are the only signing official.")},
        summary="Remove a member (revokes their sponsorship)",
    )
    def delete(self, request: Request, org_id: str, user_id: str) -> Response:
        org, user = self._member(request, org_id, user_id)
        memberships.membership_remove(actor=request_user(request), organization=org, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)
