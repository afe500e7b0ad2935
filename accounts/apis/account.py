"""REST endpoints for the caller's own account, keys and organisations."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiKey
from accounts.second_factor.policy import SecondFactorRequired
from accounts.selectors.api_keys import api_key_list
from accounts.selectors.memberships import membership_roles_recent
from accounts.selectors.users import is_privileged
from accounts.selectors.users import request_user as _user
from accounts.services import api_keys as services
from accounts.throttling import ScopedRateThrottle
from idverify.api_input import StrictInput


class MembershipOutput(serializers.Serializer[Any]):
    organization = serializers.UUIDField(source="organization.public_id")
    organization_name = serializers.CharField(source="organization.legal_name")
    role = serializers.CharField()


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.UUIDField(source="public_id")
        email = serializers.EmailField()
        full_name = serializers.CharField()
        memberships = MembershipOutput(many=True)

    @extend_schema(responses=OutputSerializer, summary="The signed-in user")
    def get(self, request: Request) -> Response:
        # Built directly, in OutputSerializer's shape (which documents it, and which a
        # test holds this to): the serializer cost more than the rest of the view.
        user = _user(request)
        memberships = membership_roles_recent(user=user)
        return Response(
            {
                "id": str(user.public_id),
                "email": user.email,
                "full_name": user.full_name,
                "memberships": [
                    {"organization": str(org), "organization_name": name, "role": role}
                    for org, name, role in memberships
                ],
            }
        )


class ApiKeyOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


@method_decorator(never_cache, name="dispatch")
class ApiKeyListCreateApi(APIView):
    throttle_scope = "auth"

    class InputSerializer(StrictInput):
        name = serializers.CharField(max_length=100)
        expires_at = serializers.DateTimeField(required=False, allow_null=True)

    class CreatedSerializer(ApiKeyOutput):
        key = serializers.CharField(help_text="The key itself. Shown only in this response.")

    def get_throttles(self) -> list[Any]:
        throttles = super().get_throttles()
        if self.request.method == "POST":
            throttles.append(ScopedRateThrottle())
        return throttles

    @extend_schema(responses=ApiKeyOutput(many=True), summary="Your API keys")
    def get(self, request: Request) -> Response:
        keys = api_key_list(viewer=_user(request))
        return Response(ApiKeyOutput(keys, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: CreatedSerializer},
        summary="Create an API key",
        description="Compliance officers, signing officials and organisation admins create "
        "keys only from a signed-in session that passed their second factor (not with "
        "another key), and their keys expire within IDV_PRIVILEGED_API_KEY_DAYS (90 days "
        "unless configured): without `expires_at`, that is the expiry.",
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        # A session reaching here passed the second-factor middleware; a key did not,
        # and a key that could mint keys would outlive its own expiry for ever.
        if isinstance(request.auth, ApiKey) and is_privileged(user):
            raise SecondFactorRequired(
                "Compliance officers, signing officials and organisation admins create API "
                "keys from a signed-in session that passed their second factor, not with "
                "another key.",
                extra={"url": reverse("account")},
            )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.api_key_create(user=user, **serializer.validated_data)
        data = dict(ApiKeyOutput(created.api_key).data)
        data["key"] = created.plaintext
        return Response(data, status=status.HTTP_201_CREATED)


class ApiKeyRevokeApi(APIView):
    @extend_schema(responses={200: ApiKeyOutput}, summary="Revoke one of your API keys")
    def delete(self, request: Request, key_id: str) -> Response:
        key: ApiKey = services.api_key_revoke(user=_user(request), key_public_id=key_id)
        return Response(ApiKeyOutput(key).data)
