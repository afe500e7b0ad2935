"""Django admin for people and organisations.

Acts that raise someone's standing (verifying an organisation, sponsoring,
restoring access) go through the services, which refuse self-approval and
write the audit record; here those fields are read-only. The one grant the
admin makes itself is a role (it is where the operator appoints compliance
officers), and it refuses a staff member promoting themselves.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from accounts.models import ApiKey, Membership, Organization, Sponsorship, User
from accounts.separation import require_no_self_promotion
from idverify.errors import SelfApproval


class MembershipFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    request_user: User | None = None

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if not form.has_changed() or not getattr(form, "cleaned_data", None):
                continue
            data = form.cleaned_data
            if data.get("DELETE"):
                continue
            user = data.get("user") or (self.instance if isinstance(self.instance, User) else None)
            if not isinstance(user, User) or not isinstance(self.request_user, User):
                continue
            same_person = form.instance.pk is not None and form.initial.get("user") in (
                None,
                user.pk,
            )
            current = form.initial.get("role") if same_person else None
            try:
                require_no_self_promotion(
                    actor=self.request_user, user=user, current=current, role=data.get("role", "")
                )
            except SelfApproval as error:
                form.add_error("role", error.message)


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organization"]
    readonly_fields = ["created_at"]
    formset = MembershipFormSet

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        assert issubclass(formset, MembershipFormSet)  # noqa: S101 - set as this inline's formset
        formset.request_user = request.user if isinstance(request.user, User) else None
        return formset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]  # typed for AbstractUser only
    ordering = ["email"]
    list_display = ["email", "full_name", "public_id", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name", "public_id"]
    readonly_fields = ["public_id", "date_joined", "last_login"]
    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        ("Profile", {"fields": ("full_name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["legal_name", "kind", "status", "public_id", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["legal_name", "public_id"]
    # Status changes are a compliance officer's audited acts (organisation pages, API).
    readonly_fields = [
        "public_id",
        "created_at",
        "status",
        "status_reason",
        "verified_at",
        "domain_verified_at",
        "registered_by",
        "ein",
    ]
    inlines = [MembershipInline]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Keys can be inspected and revoked here; never created (the owner must see the key)."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    search_fields = ["user__email", "name", "prefix"]
    readonly_fields = [
        "user",
        "public_id",
        "name",
        "prefix",
        "digest",
        "created_at",
        "last_used_at",
    ]
    fields = [*readonly_fields, "expires_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.revoked_at is not None:
            # Revocation is final: clearing it would restore access without a record.
            return [*self.readonly_fields, "expires_at", "revoked_at"]
        return list(self.readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Sponsorship)
class SponsorshipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: a signing official sponsors and revokes (never themselves), on the record."""

    list_display = ["user", "organization", "status", "starts_at", "expires_at", "revoked_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "organization__legal_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
