"""Someone with only database access cannot forge, edit or remove audit events unseen.

Each test plays the attacker of ``tests.audit.attacker``: every row can be
rewritten and every unkeyed hash recomputed, but no MAC or signature made.
"""

from __future__ import annotations

import pytest

from audit import hashing, keys
from audit.models import AuditEvent, AuditSeal
from audit.selectors import audit_verify
from audit.services import audit_record, audit_seal_all, audit_seal_pending
from tests.audit import attacker

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    return [
        audit_record(action="test.event", actor=None, subject_type="thing", subject_id=i)
        for i in range(n)
    ]


def test_an_unsealed_event_edited_with_its_hash_recomputed_is_refused_by_the_seal() -> None:
    events = _events(3)
    attacker.rewrite_event(events[1], action="document.approved", data={"by": "nobody"})

    seal = audit_seal_pending()

    assert seal is not None
    assert seal.rejected_event_ids == [events[1].id]
    assert seal.event_count == 2
    report = audit_verify()
    assert f"Event {events[1].id} was refused by seal #1" in " ".join(report.problems)


def test_an_edit_after_sealing_with_every_unkeyed_hash_redone_fails_the_signature() -> None:
    events = _events(3)
    seal = audit_seal_pending()
    assert seal is not None
    attacker.rewrite_event(events[0], data={"n": 99})
    attacker.reseal(seal)

    problems = audit_verify().problems

    assert problems == ["Seal #1's signature does not verify: it was not made with the audit key."]


def test_an_event_inserted_with_sql_is_not_vouched_for_by_the_next_seal() -> None:
    _events(2)
    forged = attacker.insert_event(action="document.approved")
    later = _events(1)

    seal = audit_seal_pending()

    assert seal is not None
    assert seal.rejected_event_ids == [forged]
    assert AuditEvent.objects.get(id=forged).seal == seal  # out of the pending set for good
    assert seal.event_count == 3
    later[0].refresh_from_db()
    assert later[0].seal == seal
    report = audit_verify()
    assert not report.ok
    assert any(f"Event {forged} was refused" in p for p in report.problems)


def test_a_forged_event_carrying_the_real_key_id_and_a_guessed_mac_is_refused() -> None:
    kid = keys.current().kid
    forged = attacker.insert_event(mac="ab" * 32, key_id=kid)

    seal = audit_seal_pending()

    assert seal is not None
    assert seal.rejected_event_ids == [forged]


def test_a_genuine_event_copied_under_a_new_id_is_refused() -> None:
    (original,) = _events(1)
    audit_seal_all()
    copy_id = original.id + 1000
    attacker.sql(
        "INSERT INTO audit_auditevent (id, occurred_at, action, actor, actor_label, "
        "subject_type, subject_id, organization_id, request_id, data, content_hash, mac, "
        "key_id, seal_id) SELECT %s, occurred_at, action, actor, actor_label, subject_type, "
        "subject_id, organization_id, request_id, data, content_hash, mac, key_id, NULL "
        "FROM audit_auditevent WHERE id = %s",
        [copy_id, original.id],
    )

    seal = audit_seal_pending()

    assert seal is not None
    assert seal.rejected_event_ids == [copy_id]


def test_unsealed_forgeries_are_reported_before_any_seal_runs() -> None:
    (genuine,) = _events(1)
    forged = attacker.insert_event()
    attacker.rewrite_event(genuine, action="x.y")

    report = audit_verify()

    assert report.unsealed_events == 2
    assert sorted(report.problems) == sorted(
        [
            f"Event {forged} cannot be trusted: it has no MAC (written without the audit key).",
            (
                f"Event {genuine.id} cannot be trusted: its MAC does not match "
                "(written or rewritten without the audit key)."
            ),
        ]
    )


def test_a_deleted_sealed_event_is_detected_even_when_the_seal_is_recomputed() -> None:
    events = _events(4)
    seal = audit_seal_pending()
    assert seal is not None
    attacker.sql("DELETE FROM audit_auditevent WHERE id = %s", [events[2].id])

    assert any("events were deleted" in p for p in audit_verify().problems)

    attacker.reseal(seal)
    assert any("signature does not verify" in p for p in audit_verify().problems)


def test_a_seal_row_forged_at_the_end_of_the_chain_is_detected() -> None:
    _events(2)
    real = audit_seal_pending()
    assert real is not None
    forged_event = attacker.insert_event(action="document.approved")
    created = real.created_at
    seal = AuditSeal.objects.create(
        version=hashing.SIGNED,
        seq=2,
        created_at=created,
        event_count=1,
        first_event_id=forged_event,
        last_event_id=forged_event,
        merkle_root=hashing.merkle_root([AuditEvent.objects.get(id=forged_event).content_hash]),
        prev_hash=real.seal_hash,
        seal_hash="f" * 64,
        tree_size=real.tree_size + 1,
        key_id=real.key_id,
        signature=real.signature,  # a genuine signature, over another head
    )
    AuditEvent.objects.filter(id=forged_event).update(seal=seal)
    attacker.reseal(seal)

    problems = audit_verify().problems

    assert "Seal #2's signature does not verify: it was not made with the audit key." in problems


def test_an_unsigned_seal_after_signed_ones_is_detected() -> None:
    _events(1)
    real = audit_seal_pending()
    assert real is not None
    forged_event = attacker.insert_event(legacy=True)
    leaves = [AuditEvent.objects.get(id=forged_event).content_hash]
    root = hashing.merkle_root(leaves)
    seal = AuditSeal.objects.create(
        version=hashing.LEGACY,
        seq=2,
        event_count=1,
        first_event_id=forged_event,
        last_event_id=forged_event,
        merkle_root=root,
        prev_hash=real.seal_hash,
        seal_hash=hashing.seal_hash(
            prev_hash=real.seal_hash,
            seq=2,
            merkle_root=root,
            count=1,
            first_id=forged_event,
            last_id=forged_event,
        ),
        tree_size=real.tree_size + 1,
    )
    AuditEvent.objects.filter(id=forged_event).update(seal=seal)

    problems = audit_verify().problems

    assert problems == [
        "Seal #2 is unsigned but comes after signed seals: the sealer did not make it."
    ]


def test_a_seal_signed_with_another_key_is_not_trusted(settings: object) -> None:
    _events(1)
    audit_seal_all()
    settings.IDV_AUDIT_SEAL_KEY = "b" * 43  # type: ignore[attr-defined]

    problems = audit_verify().problems

    assert len(problems) == 1
    assert "which is not trusted here" in problems[0]


def test_a_hash_column_rewritten_to_garbage_is_reported_not_a_crash() -> None:
    (event,) = _events(1)
    audit_seal_all()
    attacker.sql("UPDATE audit_auditevent SET content_hash = 'zz' WHERE id = %s", [event.id])
    AuditSeal.objects.update(signature="not base64 at all!", rejected_event_ids={"x": 1})

    problems = audit_verify().problems

    assert f"Event {event.id} was modified after it was written." in problems
    assert "Seal #1 was modified (its refused events are not a list)." in problems
    assert "Seal #1's signature does not verify: it was not made with the audit key." in problems
