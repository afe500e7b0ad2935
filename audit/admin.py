from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent, AuditSeal


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The audit log is append-only: the admin can read it, never change it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "occurred_at", "action", "actor_label", "subject_type", "subject_id"]
    list_filter = ["action"]
    search_fields = ["subject_id", "actor_label", "actor", "request_id"]
    date_hierarchy = "occurred_at"


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAdmin):
    list_display = ["seq", "version", "created_at", "event_count", "tree_size", "key_id"]
