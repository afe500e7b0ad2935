"""Model tiers over HTTP: the public list, and compliance officers' changes.

The list, creating a tier, changing its requirements and its directive are
all in the contract with other programs (docs/contract.md). Every change
takes a reason and is audited. Officers are checked
before the input is, so nobody else learns anything from a validation error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.selectors.users import request_user
from entitlements import selectors
from entitlements.models import Assurance, DirectiveState
from entitlements.services.revocations import require_officer
from entitlements.services.tiers import tier_create, tier_directive_set, tier_get, tier_update
from idverify.api_input import StrictInput


def _officer(request: Request, what: str) -> User:
    user = request_user(request)
    require_officer(user, what)
    return user


class TierOutputSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    min_level = serializers.IntegerField()
    us_person_required = serializers.BooleanField()
    sponsorship_required = serializers.BooleanField()
    min_assurance = serializers.CharField(help_text="none, ial1 or ial2")
    anonymizers_allowed = serializers.BooleanField()
    block_embargoed_places = serializers.BooleanField()
    blocked_places = serializers.ListField(child=serializers.CharField())
    directive_state = serializers.CharField()
    directive_set_at = serializers.DateTimeField(allow_null=True)
    epoch = serializers.IntegerField()


class TierRequirementsSerializer(StrictInput):
    """Every requirement optional: a PATCH names only what changes."""

    name = serializers.CharField(required=False, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    min_level = serializers.IntegerField(required=False, min_value=1, max_value=3)
    us_person_required = serializers.BooleanField(required=False)
    sponsorship_required = serializers.BooleanField(required=False)
    min_assurance = serializers.ChoiceField(
        required=False,
        choices=Assurance.choices,
        help_text="The identity assurance the evidence must reach: none, ial1 or ial2.",
    )
    anonymizers_allowed = serializers.BooleanField(required=False)
    block_embargoed_places = serializers.BooleanField(required=False)
    blocked_places = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        max_length=300,
        help_text='ISO 3166 codes, countries or regions, e.g. ["RU", "UA-43"].',
    )
    reason = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=500, help_text="Required."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Silently ignoring a field would let a caller believe it changed something
        # (a "directive_state" here, say).
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {
                    name: [
                        "Not a tier requirement this endpoint sets"
                        + (
                            "; use POST /api/v1/tiers/{slug}/directive."
                            if name.startswith("directive")
                            else "."
                        )
                    ]
                    for name in unknown
                }
            )
        return attrs


class TierCreateSerializer(TierRequirementsSerializer):
    slug = serializers.CharField(max_length=64, help_text="The token audience, e.g. fable-5.")
    name = serializers.CharField(max_length=200)


class TierListApi(APIView):
    def get_permissions(self) -> Sequence[BasePermission]:
        if self.request.method == "GET":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    @extend_schema(responses=TierOutputSerializer(many=True), summary="Model tiers")
    def get(self, request: Request) -> Response:
        return Response(TierOutputSerializer(selectors.tier_list(), many=True).data)

    @extend_schema(
        request=TierCreateSerializer,
        responses={201: TierOutputSerializer},
        summary="Create a model tier (compliance officers)",
    )
    def post(self, request: Request) -> Response:
        officer = _officer(request, "create a model tier")
        serializer = TierCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tier = tier_create(actor=officer, **serializer.validated_data)
        return Response(TierOutputSerializer(tier).data, status=status.HTTP_201_CREATED)


class TierDetailApi(APIView):
    def get_permissions(self) -> Sequence[BasePermission]:
        if self.request.method == "GET":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    @extend_schema(responses=TierOutputSerializer, summary="One model tier")
    def get(self, request: Request, slug: str) -> Response:
        return Response(TierOutputSerializer(tier_get(slug=slug)).data)

    @extend_schema(
        request=TierRequirementsSerializer,
        responses={200: TierOutputSerializer},
        summary="Change a model tier's requirements (compliance officers)",
        description="Applies to tokens issued from now on. A change to who may hold a "
        "token (minimum level or assurance, U.S.-person or sponsorship requirement) also "
        "revokes, in the same transaction, the live tokens their holders' evidence no "
        "longer supports (docs/assurance.md, re-checks).",
    )
    def patch(self, request: Request, slug: str) -> Response:
        officer = _officer(request, "change a model tier")
        serializer = TierRequirementsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tier = tier_update(actor=officer, slug=slug, **serializer.validated_data)
        return Response(TierOutputSerializer(tier).data)


class TierDirectiveApi(APIView):
    # Lenient on purpose, as for revocations: the service checks the officer first.
    class InputSerializer(StrictInput):
        class Meta:
            ref_name = "Directive"  # as a request body: DirectiveRequest

        state = serializers.CharField(
            required=False,
            default="",
            allow_blank=True,
            help_text="One of: " + ", ".join(DirectiveState.values) + ".",
        )
        reason = serializers.CharField(
            required=False, default="", allow_blank=True, max_length=500, help_text="Required."
        )

    class OutputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "Directive"

        slug = serializers.CharField()
        state = serializers.CharField(source="directive_state")
        epoch = serializers.IntegerField()
        reason = serializers.CharField(source="directive_reason")
        set_at = serializers.DateTimeField(source="directive_set_at")

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer},
        summary="Set a model's directive (compliance officers)",
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tier = tier_directive_set(
            actor=request_user(request), slug=slug, **serializer.validated_data
        )
        return Response(self.OutputSerializer(tier).data)
