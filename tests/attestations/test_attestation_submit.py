"""Signing an attestation: validated, declaration hashed, location recorded, renewals supersede."""

from __future__ import annotations

import datetime as dt
import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import User
from attestations.models import Attestation, Declaration, UsPersonStatus
from attestations.selectors import declaration_current, verification_status
from attestations.services import attestation_submit
from audit.models import AuditEvent
from geo.location_signals import GeoSignals
from geo.models import EmbargoedPlace
from geo.selectors import embargoed_place_rules_forget, request_signals
from idverify.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

CALIFORNIA = "192.0.2.1"
IRAN = "192.0.2.113"
VPN = "198.51.100.17"


def signals_from(address: str) -> GeoSignals:
    return request_signals(RequestFactory().get("/", REMOTE_ADDR=address))


def _iran_is_embargoed() -> None:
    """The seeded list says so; a database flushed by an earlier test may have lost it."""
    EmbargoedPlace.objects.get_or_create(
        code="IR",
        defaults={
            "name": "Iran",
            "kind": "country",
            "regime": "OFAC ITSR",
            "as_of": dt.date(2026, 11, 30),
        },
    )
    embargoed_place_rules_forget()


def sign(user: User, *, address: str = CALIFORNIA, **changes: Any) -> Attestation:
    answers: dict[str, Any] = {
        "status": UsPersonStatus.US_CITIZEN,
        "given_names": "Anna Maria",
        "family_name": "Eriksson",
        "date_of_birth": dt.date(1974, 8, 12),
        "country_of_birth": "US",
        "citizenships": ["US", "se"],
        "declaration_version": declaration_current().version,
        "signature_name": "anna maria  ERIKSSON",
        "perjury_acknowledged": True,
        **changes,
    }
    return attestation_submit(user=user, request_signals=signals_from(address), **answers)


def test_a_clean_signature_is_level_1_and_keeps_the_declaration_hash(stranger: User) -> None:
    attestation = sign(stranger)
    declaration = Declaration.objects.get(version=attestation.declaration_version)
    assert attestation.declaration_sha256 == hashlib.sha256(declaration.text.encode()).hexdigest()
    assert declaration.sha256 == attestation.declaration_sha256
    assert attestation.citizenships == ["SE", "US"]
    assert attestation.geo_clean is True
    assert attestation.signed_from_ip == CALIFORNIA
    assert attestation.geo_signal is not None
    assert attestation.geo_signal.allowed
    assert verification_status(user=stranger).level == 1
    event = AuditEvent.objects.get(action="attestation.signed")
    assert event.data["declaration_sha256"] == declaration.sha256
    assert event.data["geo_clean"] is True


def test_it_expires_after_the_configured_validity(stranger: User, settings: Any) -> None:
    settings.IDV_ATTESTATION_VALIDITY_DAYS = 30
    attestation = sign(stranger)
    assert attestation.expires_at - attestation.signed_at == timedelta(days=30)
    later = attestation.expires_at + timedelta(seconds=1)
    assert verification_status(user=stranger, at=later).level == 0


@pytest.mark.parametrize(
    ("address", "code"),
    [(IRAN, "geo.embargoed_country"), (VPN, "geo.anonymizer")],
    ids=["embargoed-country", "vpn"],
)
def test_signing_from_an_embargoed_place_or_an_anonymiser_is_recorded_but_gives_no_level(
    stranger: User, address: str, code: str
) -> None:
    _iran_is_embargoed()
    attestation = sign(stranger, address=address)
    assert attestation.geo_clean is False
    assert code in [reason["code"] for reason in attestation.geo_reasons]
    assert attestation.geo_signal is not None
    assert not attestation.geo_signal.allowed
    assert verification_status(user=stranger).level == 0


def test_renewal_supersedes_the_active_attestation(stranger: User) -> None:
    first = sign(stranger)
    second = sign(stranger, status=UsPersonStatus.LAWFUL_PERMANENT_RESIDENT, citizenships=["SE"])
    first.refresh_from_db()
    assert first.state == Attestation.State.SUPERSEDED
    assert second.supersedes == first
    assert Attestation.objects.filter(user=stranger, state="active").get() == second
    assert verification_status(user=stranger).status == "lawful_permanent_resident"


def test_a_person_who_is_not_a_us_person_is_recorded_with_every_citizenship(
    stranger: User,
) -> None:
    attestation = sign(
        stranger,
        status=UsPersonStatus.NOT_US_PERSON,
        country_of_birth="IN",
        citizenships=["IN", "CA"],
    )
    assert (attestation.country_of_birth, attestation.citizenships) == ("IN", ["CA", "IN"])
    status = verification_status(user=stranger)
    assert (status.level, status.is_us_person) == (1, False)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"signature_name": "Someone Else"}, "signature_name"),
        ({"perjury_acknowledged": False}, "perjury_acknowledged"),
        ({"date_of_birth": dt.date(2999, 1, 1)}, "date_of_birth"),
        ({"country_of_birth": "XX"}, "country_of_birth"),
        ({"citizenships": ["ZZ"]}, "citizenships"),
        ({"citizenships": ["SE"]}, "citizenships"),
        ({"status": UsPersonStatus.NOT_US_PERSON}, "status"),
        ({"status": "martian"}, "status"),
        ({"family_name": "  "}, "family_name"),
    ],
    ids=[
        "wrong-signature",
        "no-perjury-acknowledgement",
        "born-in-the-future",
        "unknown-birth-country",
        "unknown-citizenship",
        "citizen-without-us-citizenship",
        "us-citizen-says-not-us-person",
        "unknown-status",
        "no-family-name",
    ],
)
def test_bad_answers_are_refused_field_by_field_and_nothing_is_stored(
    stranger: User, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        sign(stranger, **changes)
    assert field in caught.value.fields
    assert all(message for message in caught.value.fields[field])
    assert not Attestation.objects.exists()


def test_an_outdated_declaration_version_must_be_read_again(stranger: User) -> None:
    old = declaration_current().version
    Declaration.objects.create(
        version="2099-01",
        text="New words.",
        sha256=hashlib.sha256(b"New words.").hexdigest(),
        published_at=timezone.now() + timedelta(seconds=1),
    )
    with pytest.raises(Conflict) as caught:
        sign(stranger, declaration_version=old)
    assert caught.value.instance_code == "declaration_changed"
