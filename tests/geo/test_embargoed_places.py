"""The embargoed-places table: seeded, editable in the admin, served as rules."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from geo.models import EmbargoedPlace
from geo.selectors import embargoed_place_rules
from tests.support.people import sign_in_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]

PLACE_PERMISSIONS = ["view_embargoedplace", "change_embargoedplace", "add_embargoedplace"]


@pytest.fixture
def officer_client(client: Client, officer: User) -> Client:
    """The compliance officer, given staff access and the geo permissions."""
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    officer.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="geo", codename__in=PLACE_PERMISSIONS)
    )
    sign_in_with_second_factor(client, officer)
    return client


def test_the_seeded_list_holds_the_embargoed_countries_and_regions() -> None:
    codes = {rule.code for rule in embargoed_place_rules()}
    assert codes == {"CU", "IR", "KP", "SY", "UA-43", "UA-40", "UA-14", "UA-09"}


def test_oblast_entries_carry_the_ofac_faq_1009_caveat() -> None:
    rules = {rule.code: rule for rule in embargoed_place_rules()}
    for code in ("UA-14", "UA-09"):
        assert "FAQ 1009" in rules[code].note
        assert "over-blocks" in rules[code].note
    assert "2025-07-01" in rules["SY"].note
    assert "EAR" in rules["SY"].regime


def test_every_seeded_place_names_its_regime_source_and_date() -> None:
    for place in EmbargoedPlace.objects.all():
        assert place.regime
        assert place.source_url.startswith("https://")
        assert place.as_of is not None


def test_a_deactivated_place_stops_matching_at_once() -> None:
    assert "SY" in {rule.code for rule in embargoed_place_rules()}
    place = EmbargoedPlace.objects.get(code="SY")
    place.active = False
    place.save()
    assert "SY" not in {rule.code for rule in embargoed_place_rules()}


def test_a_deleted_place_stops_matching_at_once() -> None:
    assert "KP" in {rule.code for rule in embargoed_place_rules()}
    EmbargoedPlace.objects.filter(code="KP").delete()
    assert "KP" not in {rule.code for rule in embargoed_place_rules()}


def test_a_region_code_cannot_be_stored_as_a_country() -> None:
    place = EmbargoedPlace(
        code="RU-KDA", name="x", kind="country", regime="x", as_of=date(2026, 1, 1)
    )
    with pytest.raises(ValidationError) as raised:
        place.full_clean()
    assert "kind" in raised.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        place.save()


@pytest.mark.parametrize("code", ["cu", "CUB", "UA-", "UA-1234", "U1"])
def test_codes_must_be_iso_3166(code: str) -> None:
    place = EmbargoedPlace(code=code, name="x", kind="country", regime="x", as_of=date(2026, 1, 1))
    with pytest.raises(ValidationError) as raised:
        place.full_clean()
    assert "code" in raised.value.message_dict


def test_a_change_made_by_another_process_is_seen_within_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.cache import cache

    from geo import selectors

    assert "CU" in {rule.code for rule in embargoed_place_rules()}  # this process holds them
    read_at = time.monotonic()
    # Another process saves: the row changes and that process clears the shared cache.
    EmbargoedPlace.objects.filter(code="CU").update(active=False)
    cache.delete(selectors.PLACE_RULES_CACHE_KEY)

    monkeypatch.setattr("geo.selectors.monotonic", lambda: read_at + 0.5)
    assert "CU" in {rule.code for rule in embargoed_place_rules()}  # held, for now
    later = read_at + selectors.PLACE_RULES_LOCAL_SECONDS + 0.01
    monkeypatch.setattr("geo.selectors.monotonic", lambda: later)
    assert "CU" not in {rule.code for rule in embargoed_place_rules()}


def test_a_compliance_officer_edits_a_place_and_the_rules_follow(officer_client: Client) -> None:
    place = EmbargoedPlace.objects.get(code="UA-14")
    assert embargoed_place_rules()  # warm the cache
    url = reverse("admin:geo_embargoedplace_change", args=[place.pk])
    response = officer_client.post(
        url,
        {
            "code": "UA-14",
            "name": "Donetsk oblast",
            "kind": "region",
            "active": "on",
            "regime": place.regime,
            "source_url": place.source_url,
            "as_of": "2026-12-01",
            "note": "Reviewed by counsel.",
        },
    )
    assert response.status_code == 302
    rule = next(rule for rule in embargoed_place_rules() if rule.code == "UA-14")
    assert (rule.note, rule.as_of) == ("Reviewed by counsel.", date(2026, 12, 1))
    event = AuditEvent.objects.get(action="geo.place_changed", subject_id="UA-14")
    assert event.actor_label
    assert set(event.data["changed"]) >= {"note", "as_of"}
    assert event.data["now"]["note"] == "Reviewed by counsel."


def test_the_admin_rejects_a_bad_code_beside_the_field(officer_client: Client) -> None:
    response = officer_client.post(
        reverse("admin:geo_embargoedplace_add"),
        {
            "code": "Crimea",
            "name": "Crimea",
            "kind": "region",
            "regime": "x",
            "as_of": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "ISO 3166" in response.content.decode()
    assert not EmbargoedPlace.objects.filter(name="Crimea", code="Crimea").exists()


def test_the_admin_lists_and_searches_places(officer_client: Client) -> None:
    response = officer_client.get(reverse("admin:geo_embargoedplace_changelist"), {"q": "Luhansk"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "UA-09" in content
    assert "UA-43" not in content


def test_a_member_without_staff_access_cannot_change_the_list(
    client: Client, teammate: User
) -> None:
    place = EmbargoedPlace.objects.get(code="CU")
    client.force_login(teammate)
    url = reverse("admin:geo_embargoedplace_change", args=[place.pk])
    assert client.get(url).status_code == 302
    client.post(url, {"code": "CU", "name": "Cuba", "kind": "country", "active": ""})
    place.refresh_from_db()
    assert place.active
    assert "CU" in {rule.code for rule in embargoed_place_rules()}
