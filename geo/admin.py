from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from geo.models import EmbargoedPlace, GeoSignal


@admin.register(EmbargoedPlace)
class EmbargoedPlaceAdmin(admin.ModelAdmin[EmbargoedPlace]):
    list_display = ["code", "name", "kind", "active", "as_of", "regime"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name", "regime", "note"]
    readonly_fields = ["updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "code",
        "name",
        "kind",
        "active",
        "regime",
        "source_url",
        "as_of",
        "note",
        "updated_at",
    ]


@admin.register(GeoSignal)
class GeoSignalAdmin(admin.ModelAdmin[GeoSignal]):
    """Read-only: these rows are evidence for the audit record."""

    list_display = ["created_at", "purpose", "ip", "allowed", "demo_data", "city_db_build_date"]
    list_filter = ["purpose", "allowed", "demo_data"]
    search_fields = ["ip"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: GeoSignal | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: GeoSignal | None = None) -> bool:
        return False
