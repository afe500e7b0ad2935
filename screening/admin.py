"""Read-only admin views: snapshots, matches and re-screens are changed only by services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from screening.models import ListSnapshot, RescreenJob, ScreeningMatch


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ListSnapshot)
class ListSnapshotAdmin(ReadOnly):
    list_display = ("id", "feed", "format", "state", "entry_count", "alias_count", "completed_at")
    list_filter = ("feed", "state")


@admin.register(ScreeningMatch)
class ScreeningMatchAdmin(ReadOnly):
    list_display = ("public_id", "subject_kind", "matched_name", "score", "status", "created_at")
    list_filter = ("status", "subject_kind", "context")


@admin.register(RescreenJob)
class RescreenJobAdmin(ReadOnly):
    list_display = ("public_id", "status", "done", "total", "potential_matches", "created_at")
