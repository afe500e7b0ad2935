"""The revocation document is short-lived and always freshly signed.

Verifiers judge freshness by the document's own ``iat``/``exp``, so the service
re-signs it on a heartbeat even when nothing changed; a web process that finds
the copy near its expiry has it re-signed in the background (never holding a
request on the row lock), and signs one itself only when none is valid at all:
a current signature always exists.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from audit.models import AuditEvent
from entitlements import jws, publication
from entitlements.models import RevocationState
from entitlements.services.tiers import tier_directive_set
from entitlements.tasks import revocations_heartbeat
from tests.entitlements.support import tier

pytestmark = pytest.mark.django_db


def payload_of(body: bytes) -> dict[str, object]:
    """The payload; the signature is checked in test_revocation_document."""
    payload: dict[str, object] = json.loads(jws.b64url_decode(body.decode().split(".")[1]))
    return payload


def served(client: Client) -> tuple[dict[str, object], str]:
    response = client.get("/api/v1/revocations")
    assert response.status_code == 200
    return payload_of(response.content), response["ETag"]


def age_the_document(seconds: float) -> None:
    """As if the document had been signed ``seconds`` earlier (no clock is moved)."""
    shift = timedelta(seconds=seconds)
    state = RevocationState.objects.get()
    RevocationState.objects.update(
        produced_at=state.produced_at - shift, expires_at=state.expires_at - shift
    )


def test_the_document_says_when_it_was_signed_and_when_it_expires(
    client: Client, settings: Settings
) -> None:
    tier("fable-5")
    before = int(time.time())
    payload, _ = served(client)
    iat, exp = payload["iat"], payload["exp"]
    assert isinstance(iat, int)
    assert isinstance(exp, int)
    assert before - 1 <= iat <= time.time()
    assert exp - iat == settings.IDV_REVOCATIONS_TTL_SECONDS


def test_the_heartbeat_re_signs_an_unchanged_document(client: Client) -> None:
    tier("fable-5")
    first, first_etag = served(client)
    age_the_document(3)
    aged_iat = RevocationState.objects.get().produced_at.timestamp()
    revocations_heartbeat.delay()
    second, second_etag = served(client)
    assert second["serial"] > first["serial"]  # type: ignore[operator]
    assert second["iat"] > aged_iat  # type: ignore[operator]
    assert second["exp"] == second["iat"] + (first["exp"] - first["iat"])  # type: ignore[operator]
    assert second_etag != first_etag
    assert {k: second[k] for k in ("iss", "tiers", "users", "jtis")} == {
        k: first[k] for k in ("iss", "tiers", "users", "jtis")
    }


def test_the_heartbeat_runs_even_when_the_document_is_young(client: Client) -> None:
    tier("fable-5")
    first, _ = served(client)
    revocations_heartbeat.delay()
    second, _ = served(client)
    assert second["serial"] > first["serial"]  # type: ignore[operator]
    assert second["iat"] >= first["iat"]  # type: ignore[operator]


def test_the_heartbeat_writes_no_audit_event(client: Client) -> None:
    # Every few seconds, changing nothing anyone decided: it would bury the record.
    tier("fable-5")
    served(client)
    before = AuditEvent.objects.count()
    revocations_heartbeat.delay()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_a_read_near_expiry_re_signs_the_document_in_the_background(
    client: Client, settings: Settings
) -> None:
    tier("fable-5")
    first, _ = served(client)
    age_the_document(settings.IDV_REVOCATIONS_TTL_SECONDS / 2 + 1)
    publication.forget_cached()  # as a process that looks now
    # Still valid for a few seconds: served at once, while a thread re-signs it.
    aged, _ = served(client)
    assert aged["serial"] == first["serial"]
    publication.wait_for_background_resign()
    second, _ = served(client)
    assert second["serial"] > first["serial"]  # type: ignore[operator]
    assert second["exp"] - time.time() > settings.IDV_REVOCATIONS_TTL_SECONDS / 2  # type: ignore[operator]


def test_a_read_well_inside_the_expiry_serves_the_same_document(client: Client) -> None:
    tier("fable-5")
    first, first_etag = served(client)
    second, second_etag = served(client)
    assert second == first
    assert second_etag == first_etag


def test_an_expired_document_is_never_served_even_without_a_heartbeat(
    client: Client, settings: Settings
) -> None:
    tier("fable-5")
    first, _ = served(client)
    age_the_document(3600)  # the periodic task has not run for an hour
    publication.forget_cached()  # as a process that looks now
    second, _ = served(client)
    assert second["serial"] > first["serial"]  # type: ignore[operator]
    assert second["exp"] > time.time()  # type: ignore[operator]


def test_a_directive_after_a_heartbeat_still_raises_the_serial(
    client: Client, officer: User
) -> None:
    tier("fable-5")
    revocations_heartbeat.delay()
    beat, _ = served(client)
    tier_directive_set(actor=officer, slug="fable-5", state="suspended", reason="Order 7")
    after, _ = served(client)
    assert after["serial"] > beat["serial"]  # type: ignore[operator]
    assert after["tiers"] == {"fable-5": {"state": "suspended", "epoch": 1}}


def test_the_heartbeat_is_on_the_periodic_schedule_often_enough(settings: Settings) -> None:
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "entitlements.revocations_heartbeat"
    ]
    assert len(entries) == 1
    assert float(entries[0]["schedule"]) <= settings.IDV_REVOCATIONS_TTL_SECONDS / 2


def test_the_metadata_tells_verifiers_the_document_lifetime(
    client: Client, settings: Settings
) -> None:
    metadata = client.get("/.well-known/idverify").json()
    assert metadata["revocation_document_ttl_seconds"] == settings.IDV_REVOCATIONS_TTL_SECONDS
