from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from accounts.models import ApiKey, Membership, Organization, Sponsorship, User


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organization"]


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
    readonly_fields = ["public_id", "created_at"]
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Sponsorship)
class SponsorshipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "organization", "status", "starts_at", "expires_at", "revoked_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "organization__legal_name"]
    readonly_fields = ["public_id", "user", "organization", "sponsored_by", "basis", "starts_at"]
