"""Sealing is cheap, idempotent, one at a time, frequent, and happens at shutdown too."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from celery.signals import worker_shutdown
from django.apps import apps as django_apps
from django.conf import settings
from pytest_django import DjangoAssertNumQueries

from audit import hashing
from audit.models import AuditEvent, AuditSeal
from audit.selectors import audit_verify
from audit.services import (
    _SEAL_LOCK_ID,
    AuditEntry,
    audit_events_build,
    audit_record,
    audit_seal_all,
    audit_seal_pending,
)
from tests.audit import attacker
from tests.support.celery_worker import _test_database_url

ROOT = Path(__file__).resolve().parents[2]


def _event(n: int = 0) -> AuditEvent:
    return audit_record(action="test.event", actor=None, subject_id=n)


@pytest.mark.django_db
def test_a_seal_with_nothing_to_do_takes_five_queries_and_makes_no_seal(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    _event()
    assert audit_seal_pending() is not None
    with django_assert_num_queries(5):  # savepoint, lock, newest seal, pending, release
        assert audit_seal_pending() is None
    assert AuditSeal.objects.count() == 1


@pytest.mark.django_db
def test_a_second_sealer_returns_at_once_while_one_holds_the_lock() -> None:
    _event()
    with psycopg.connect(_test_database_url(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [_SEAL_LOCK_ID])
        assert audit_seal_pending() is None
        other.execute("SELECT pg_advisory_unlock(%s)", [_SEAL_LOCK_ID])
    assert audit_seal_pending() is not None


@pytest.mark.django_db
def test_a_pile_of_rows_under_an_unknown_key_cannot_stall_sealing() -> None:
    junk = [attacker.insert_event(key_id="unknown-key", mac="00" * 32) for _ in range(5)]
    genuine = [_event(n) for n in range(3)]

    seal = audit_seal_pending(limit=2)

    assert seal is not None
    assert seal.event_count == 2
    assert audit_seal_pending(limit=2) is not None
    assert all(AuditEvent.objects.get(id=e.id).seal_id for e in genuine)
    report = audit_verify()
    assert report.unsealed_events == len(junk)
    assert (
        f"Event {junk[0]} is not sealed and its MAC is under audit key unknown-key"
        in (report.problems[0])
    )


@pytest.mark.django_db
def test_events_built_for_a_callers_own_insert_carry_ids_and_macs_the_sealer_accepts() -> None:
    events = audit_events_build([AuditEntry("test.fast", None), AuditEntry("test.fast", None)])
    assert all(event.pk for event in events)
    AuditEvent.objects.bulk_create(events)

    seal = audit_seal_pending()

    assert seal is not None
    assert (seal.event_count, seal.rejected_event_ids) == (2, [])
    assert audit_verify().ok


def test_the_periodic_seal_runs_every_few_seconds_and_expires_rather_than_queue() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["seal-audit-log"]
    assert entry["task"] == "audit.seal_pending"
    assert entry["schedule"] == settings.IDV_AUDIT_SEAL_SECONDS == 5
    assert entry["options"] == {"expires": 5.0}


@pytest.mark.django_db
def test_a_celery_worker_seals_what_is_pending_when_it_shuts_down() -> None:
    event = _event()
    worker_shutdown.send(sender=None)
    event.refresh_from_db()
    assert event.seal is not None


@pytest.mark.django_db(transaction=True)
def test_a_web_process_seals_its_events_when_it_exits() -> None:
    code = (
        "import idverify.wsgi\n"
        "from audit.services import audit_record\n"
        "audit_record(action='test.before_exit', actor=None)\n"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _test_database_url(), "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    event = AuditEvent.objects.get(action="test.before_exit")
    assert event.seal is not None
    assert event.seal.version == hashing.SIGNED


# -- the legacy prefix (events and seals from before signed sealing) --------------------


def _legacy_log(n: int) -> list[int]:
    """Rows as the previous release wrote them: no id in the hash, no MAC, no key."""
    ids = [attacker.insert_event(action=f"legacy.{i}", legacy=True) for i in range(n)]
    migration = importlib.import_module("audit.migrations.0003_event_macs_and_signed_seals")
    migration.seal_legacy_prefix(django_apps, None)
    return ids


@pytest.mark.django_db
def test_the_first_seal_after_the_upgrade_signs_the_legacy_prefix_at_once() -> None:
    _legacy_log(3)
    legacy = AuditSeal.objects.get()
    assert (legacy.version, legacy.event_count, legacy.tree_size) == (hashing.LEGACY, 3, 3)

    adopting = audit_seal_pending()

    assert adopting is not None
    assert (adopting.version, adopting.event_count, adopting.tree_size) == (hashing.SIGNED, 0, 3)
    assert adopting.prev_hash == legacy.seal_hash
    assert audit_seal_pending() is None
    report = audit_verify()
    assert report.ok, report.problems
    assert (report.legacy_seals, report.legacy_events) == (1, 3)


@pytest.mark.django_db
def test_a_legacy_event_rewritten_after_the_upgrade_breaks_the_first_signed_link() -> None:
    ids = _legacy_log(2)
    audit_seal_all()
    legacy = AuditSeal.objects.get(seq=1)
    # Every unkeyed hash of the legacy scheme redone: event, root, seal.
    event = AuditEvent.objects.get(id=ids[0])
    fields = {**attacker.fields_of(event), "action": "legacy.rewritten"}
    attacker.sql(
        "UPDATE audit_auditevent SET action = %s, content_hash = %s WHERE id = %s",
        [fields["action"], attacker.unkeyed_hash(None, **fields), event.id],
    )
    leaves = list(
        AuditEvent.objects.filter(seal=legacy).order_by("id").values_list("content_hash", flat=True)
    )
    legacy.merkle_root = hashing.merkle_root(leaves)
    legacy.seal_hash = hashing.seal_hash(
        prev_hash=legacy.prev_hash,
        seq=1,
        merkle_root=legacy.merkle_root,
        count=2,
        first_id=legacy.first_event_id,
        last_id=legacy.last_event_id,
    )
    legacy.save()

    assert audit_verify().problems == ["Seal #2 does not link to the seal before it."]
