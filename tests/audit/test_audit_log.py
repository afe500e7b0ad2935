"""The audit log is append-only and any edit or deletion is detected."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from audit import hashing, keys
from audit.models import AuditEvent, AuditSeal
from audit.selectors import audit_verify
from audit.services import audit_record, audit_seal_all, audit_seal_pending

pytestmark = pytest.mark.django_db


def _events(n: int, actor: User | None = None) -> list[AuditEvent]:
    return [
        audit_record(
            action="test.event",
            actor=actor,
            subject_type="thing",
            subject_id=i,
            data={"n": i, "note": '=HYPERLINK("x")' if i == 0 else "plain", "ratio": 0.5},
        )
        for i in range(n)
    ]


def _untriggered(sql: str, params: list[int | str]) -> None:
    """Change rows the way an attacker with the table owner's rights could."""
    with connection.cursor() as cursor:
        # A superuser can switch triggers off for its session; the seals must still tell.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")


def test_events_record_who_did_what(owner: User) -> None:
    event = audit_record(
        action="api_key.created", actor=owner, subject_type="api_key", subject_id="k1"
    )
    assert event.actor == f"user:{owner.public_id}"
    assert event.actor_label == owner.email
    assert len(event.content_hash) == 64
    assert event.key_id == keys.current().kid
    assert event.mac == hashing.event_mac(keys.current().mac_key, event.content_hash)


def test_sealing_chains_batches_and_verification_passes() -> None:
    _events(5)
    first = audit_seal_pending()
    _events(3)
    second = audit_seal_pending()
    assert first is not None
    assert second is not None
    assert (first.seq, first.event_count, second.seq, second.event_count) == (1, 5, 2, 3)
    assert second.prev_hash == first.seal_hash
    assert audit_seal_pending() is None
    report = audit_verify()
    assert report.ok, report.problems
    assert report.events_checked == 8
    assert report.head is not None
    assert (report.head.head_hash, report.head.size) == (second.seal_hash, 8)


def test_the_database_refuses_updates_and_deletes() -> None:
    event = _events(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="something.else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_an_edited_event_is_detected() -> None:
    events = _events(4)
    audit_seal_all()
    _untriggered(
        "UPDATE audit_auditevent SET data = %s WHERE id = %s", [json.dumps({"n": 99}), events[2].pk]
    )
    report = audit_verify()
    assert not report.ok
    assert f"Event {events[2].pk} was modified after it was written." in report.problems


def test_an_edit_that_also_rewrites_the_content_hash_breaks_the_seal() -> None:
    events = _events(4)
    audit_seal_all()
    forged = hashing.content_hash(b"forged")
    _untriggered(
        "UPDATE audit_auditevent SET content_hash = %s WHERE id = %s", [forged, events[1].pk]
    )
    report = audit_verify()
    assert any("do not match its Merkle root" in p for p in report.problems)


def test_a_deleted_event_is_detected() -> None:
    events = _events(4)
    audit_seal_all()
    _untriggered("DELETE FROM audit_auditevent WHERE id = %s", [events[3].pk])
    report = audit_verify()
    assert any("events were deleted" in p for p in report.problems)


def test_a_rewritten_seal_is_detected() -> None:
    _events(2)
    audit_seal_all()
    AuditSeal.objects.all().update(merkle_root="0" * 64)
    assert any("was modified" in p for p in audit_verify().problems)


def test_unsealed_events_are_checked_too() -> None:
    event = _events(1)[0]
    _untriggered("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    report = audit_verify()
    assert report.unsealed_events == 1
    assert not report.ok


def test_audit_verify_command_fails_on_tampering() -> None:
    events = _events(2)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Checked 2 events in 1 seals" in out.getvalue()
    _untriggered("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match="failed verification"):
        call_command("audit_verify", stdout=StringIO())


def test_export_as_jsonl_and_csv_with_formulas_neutralised() -> None:
    _events(3)
    out = StringIO()
    call_command("audit_export", "--since", "2000-01-01", "--format", "jsonl", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["data"]["n"] for line in lines] == [0, 1, 2]
    assert all(line["seal_seq"] == 1 for line in lines)

    out = StringIO()
    call_command("audit_export", "--format", "csv", "--action", "test.event", stdout=out)
    rows = list(csv.DictReader(StringIO(out.getvalue())))
    assert len(rows) == 3
    assert json.loads(rows[1]["data"])["n"] == 1
    # The first row's data starts with "{", so only cells starting with = + - @ are prefixed.
    out = StringIO()
    audit_record(action="=cmd|' /C calc'!A0", actor=None)
    call_command("audit_export", "--format", "csv", stdout=out)
    assert "'=cmd|" in out.getvalue()


def test_export_rejects_a_bad_date() -> None:
    with pytest.raises(CommandError, match="is not a date"):
        call_command("audit_export", "--since", "last tuesday", stdout=StringIO())
