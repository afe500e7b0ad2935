from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from audit.services import audit_record
from geo.models import EmbargoedPlace, GeoSignal

_AUDITED_FIELDS = ["code", "name", "kind", "active", "regime", "source_url", "as_of", "note"]


def _snapshot(place: EmbargoedPlace) -> dict[str, Any]:
    return {name: getattr(place, name) for name in _AUDITED_FIELDS}


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

    # The places list is compliance policy: every change goes into the audit log,
    # in the same transaction as the change.
    def save_model(
        self,
        request: HttpRequest,
        obj: EmbargoedPlace,
        form: ModelForm[EmbargoedPlace],
        change: bool,
    ) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                action="geo.place_changed" if change else "geo.place_added",
                actor=request.user if request.user.is_authenticated else None,
                subject_type="embargoed_place",
                subject_id=obj.code,
                data={"changed": sorted(form.changed_data), "now": _snapshot(obj)},
            )

    def delete_model(self, request: HttpRequest, obj: EmbargoedPlace) -> None:
        with transaction.atomic():
            before = _snapshot(obj)
            super().delete_model(request, obj)
            audit_record(
                action="geo.place_deleted",
                actor=request.user if request.user.is_authenticated else None,
                subject_type="embargoed_place",
                subject_id=before["code"],
                data={"before": before},
            )


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
