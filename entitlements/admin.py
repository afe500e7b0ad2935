"""Admin: read-only views of the entitlements records.

Tiers are created and changed, and directives set, by compliance officers in
the console or through the API: each change takes a reason and is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import User
from entitlements.models import DecisionRecord, IssuedToken, ModelClient, ModelTier, SigningKey
from entitlements.services.clients import model_client_revoke


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ModelTier)
class ModelTierAdmin(ReadOnlyAdmin):
    list_display = ["slug", "name", "min_level", "us_person_required", "directive_state", "epoch"]
    search_fields = ["slug", "name"]


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["kid", "state", "created_at", "activated_at", "retiring_at", "retired_at"]
    list_filter = ["state"]
    exclude = ["private_key_encrypted"]


@admin.register(IssuedToken)
class IssuedTokenAdmin(ReadOnlyAdmin):
    list_display = ["jti", "user", "tier", "issued_at", "expires_at", "revoked_at"]
    list_filter = ["tier"]
    search_fields = ["jti", "user__email"]


@admin.register(DecisionRecord)
class DecisionRecordAdmin(ReadOnlyAdmin):
    list_display = ["decided_at", "user", "tier", "allowed", "level"]
    list_filter = ["allowed", "tier"]
    search_fields = ["user__email"]


@admin.register(ModelClient)
class ModelClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Clients are created with `manage.py create_model_client` (the secret is shown once)."""

    list_display = ["name", "client_id", "tier", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["name", "client_id", "tier", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected clients (audited)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ModelClient]) -> None:
        for client in queryset:
            model_client_revoke(
                client_id=client.client_id,
                actor=_actor(request),
                reason=f"revoked in the admin by {request.user}",
            )
        self.message_user(request, f"Revoked {queryset.count()} client(s).")
