"""Django admin for attestations and documents: read-mostly, never the files or MRZ text.

Decisions on documents go through the review console (its service writes the
audit record); the admin shows the record and lets staff publish a new
declaration version.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from attestations.models import Attestation, Declaration, Document, VendorVerification
from idverify.declarations import sha256_of


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin[Declaration]):
    list_display = ("version", "published_at", "sha256")
    readonly_fields = ("sha256",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A published text is never edited: attestations hold its hash.
        return ("version", "text", "sha256", "published_at") if obj else ("sha256",)

    def save_model(self, request: HttpRequest, obj: Declaration, form: Any, change: bool) -> None:
        obj.sha256 = sha256_of(obj.text)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Attestation)
class AttestationAdmin(admin.ModelAdmin[Attestation]):
    list_display = ("user", "status", "state", "geo_clean", "signed_at", "expires_at")
    list_filter = ("status", "state", "geo_clean")
    search_fields = ("user__email", "family_name")
    exclude = ("geo_signal",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    list_display = ("user", "document_type", "status", "created_at", "image_deleted_at")
    list_filter = ("status", "document_type")
    search_fields = ("user__email",)
    exclude = ("mrz_sealed", "ocr_prefill_sealed", "file_name")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(VendorVerification)
class VendorVerificationAdmin(admin.ModelAdmin[VendorVerification]):
    """What a vendor said about a session (its data stays in the vendor's dashboard)."""

    list_display = ("user", "vendor", "outcome", "document_kind", "issuing_country", "created_at")
    list_filter = ("vendor", "outcome")
    search_fields = ("user__email", "session_id")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
