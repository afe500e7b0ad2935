"""Admin: tiers are created and edited here through the services; the rest is read-only.

Directives are not editable here: they take a reason and a confirmation in
the compliance console (or the API), and every change is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import User
from entitlements.models import DecisionRecord, IssuedToken, ModelClient, ModelTier, SigningKey
from entitlements.services.clients import model_client_revoke
from entitlements.services.tiers import REQUIREMENT_FIELDS, tier_create, tier_update


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@admin.register(ModelTier)
class ModelTierAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["slug", "name", "min_level", "us_person_required", "directive_state", "epoch"]
    search_fields = ["slug", "name"]
    readonly_fields = [
        "directive_state",
        "directive_reason",
        "directive_set_by",
        "directive_set_at",
        "epoch",
        "created_at",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The slug is every token's audience: fixed once the tier exists.
        return [*self.readonly_fields, "slug"] if obj is not None else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: ModelTier, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in REQUIREMENT_FIELDS}
        if change:
            tier_update(actor=_actor(request), tier=obj, **values)
        else:
            created = tier_create(actor=_actor(request), slug=form.cleaned_data["slug"], **values)
            obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
