"""Writing to the audit log: record events (hashed and MACed), seal pending events (signed)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from audit import hashing, integrity, keys
from audit.models import AuditEvent, AuditSeal
from idverify.logging import request_id_var

logger = logging.getLogger(__name__)

SEAL_BATCH = 20_000
# Any constant works; it names the one sealer lock in pg_locks.
_SEAL_LOCK_ID = 0x1DE5EA1


class Actor(Protocol):
    @property
    def public_id(self) -> UUID: ...

    @property
    def email(self) -> str: ...


@dataclass(frozen=True)
class AuditEntry:
    """One event to record; ``actor`` is a user, ``"client:<id>"``, or None for the system."""

    action: str
    actor: Actor | str | None
    subject_type: str = ""
    subject_id: object = ""
    organization_id: UUID | None = None
    data: dict[str, Any] | None = None


def _reserve_ids(count: int) -> list[int]:
    """Ids before the insert, so that the content hash and the MAC can cover them.

    PostgreSQL: from the table's sequence, in one query. SQLite (the quick start): the
    next ids after the largest, which is safe because it runs one writing transaction
    at a time (BEGIN IMMEDIATE) and this runs in it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id'))"
                " FROM generate_series(1, %s) ORDER BY 1",
                [AuditEvent._meta.db_table, count],
            )
            return [int(row[0]) for row in cursor.fetchall()]
    largest = AuditEvent.objects.aggregate(largest=Max("id"))["largest"] or 0
    return list(range(largest + 1, largest + 1 + count))


def _event(entry: AuditEntry, event_id: int, now: datetime, key: keys.AuditKey) -> AuditEvent:
    actor = entry.actor
    if actor is None:
        actor_ref, label = "system", ""
    elif isinstance(actor, str):
        actor_ref, label = actor, ""
    else:
        actor_ref, label = f"user:{actor.public_id}", actor.email
    fields: dict[str, Any] = {
        "occurred_at": now,
        "action": entry.action,
        "actor": actor_ref,
        "actor_label": label,
        "subject_type": entry.subject_type,
        "subject_id": str(entry.subject_id),
        "organization_id": entry.organization_id,
        "request_id": request_id_var.get() or "",
        "data": hashing.to_json_value(entry.data or {}),
    }
    digest = hashing.content_hash(hashing.canonical_event(event_id=event_id, **fields))
    return AuditEvent(
        id=event_id,
        content_hash=digest,
        mac=hashing.event_mac(key.mac_key, digest),
        key_id=key.kid,
        **fields,
    )


def audit_events_build(
    entries: Sequence[AuditEntry], *, ids: Sequence[int] | None = None
) -> list[AuditEvent]:
    """The events, with their ids, hashed and MACed, unsaved, for a caller that writes them
    with its own rows in one statement (``entitlements.token_store``); they must land in
    the same transaction as the change they record. ``ids``: taken by the caller from the
    table's sequence, one per entry, ascending; otherwise reserved here (on SQLite, build
    the events inside the transaction that saves them).
    """
    now = timezone.now()
    key = keys.current()
    if ids is None:
        ids = _reserve_ids(len(entries))
    return [_event(entry, event_id, now, key) for entry, event_id in zip(entries, ids, strict=True)]


def audit_record_many(entries: Sequence[AuditEntry]) -> list[AuditEvent]:
    """Append several events in one statement. Call it inside the change's transaction."""
    if connection.in_atomic_block:
        # The caller's transaction is the unit; a savepoint would only add round trips.
        return AuditEvent.objects.bulk_create(audit_events_build(entries))
    with transaction.atomic():
        return AuditEvent.objects.bulk_create(audit_events_build(entries))


def audit_record(
    *,
    action: str,
    actor: Actor | str | None,
    subject_type: str = "",
    subject_id: object = "",
    organization_id: UUID | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records."""
    entry = AuditEntry(action, actor, subject_type, subject_id, organization_id, data)
    (event,) = audit_record_many([entry])
    return event


# -- sealing ---------------------------------------------------------------------------


@dataclass
class _Batch:
    accepted: list[AuditEvent] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.accepted) + len(self.rejected)


def _pending_batch(limit: int) -> _Batch:
    """Up to ``limit`` committed, unsealed events, judged by their MACs, oldest id first.

    Events under a key this process does not know are passed over (not counted),
    so a pile of them cannot stall sealing; ``audit_verify`` reports them.
    """
    macs = keys.mac_keys()
    batch = _Batch()
    after = 0
    while len(batch) < limit:
        page = list(
            AuditEvent.objects.filter(seal__isnull=True, id__gt=after).order_by("id")[:limit]
        )
        if not page:
            break
        for event in page:
            if len(batch) == limit:
                break
            if event.key_id and event.key_id not in macs:
                continue
            problem = integrity.mac_problem(event, macs)
            if problem is None:
                batch.accepted.append(event)
            else:
                batch.rejected.append(event.id)
                logger.error("Audit event %s was not sealed: %s.", event.id, problem)
        after = page[-1].id
    return batch


def _locked() -> bool:
    """Take the one sealer lock for this transaction, without waiting (PostgreSQL; SQLite
    serialises writers anyway)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEAL_LOCK_ID])
        (locked,) = cursor.fetchone() or (False,)
    return bool(locked)


def audit_seal_pending(*, limit: int = SEAL_BATCH) -> AuditSeal | None:
    """Seal committed, unsealed events into the next signed link of the chain.

    Only events whose MAC holds enter the tree; the others are named in the
    seal as rejected, so a row inserted with SQL is never vouched for. After an
    upgrade the first call seals even with nothing pending, so that a signature
    covers the legacy prefix at once. One sealer at a time; a concurrent call
    returns None at once instead of waiting, as does a call with nothing to do.
    """
    with transaction.atomic():
        if not _locked():
            return None
        last = AuditSeal.objects.order_by("-seq").first()
        batch = _pending_batch(limit)
        if not batch and (last is None or last.version == hashing.SIGNED):
            return None
        accepted = sorted(batch.accepted, key=lambda event: event.id)
        ids = [event.id for event in accepted]
        seal = AuditSeal(
            version=hashing.SIGNED,
            seq=(last.seq + 1) if last else 1,
            created_at=timezone.now(),
            event_count=len(ids),
            first_event_id=ids[0] if ids else 0,
            last_event_id=ids[-1] if ids else 0,
            merkle_root=hashing.merkle_root([event.content_hash for event in accepted]),
            prev_hash=last.seal_hash if last else hashing.GENESIS,
            tree_size=(last.tree_size if last else 0) + len(ids),
            rejected_event_ids=sorted(batch.rejected),
        )
        seal.seal_hash = hashing.signed_seal_hash(
            prev_hash=seal.prev_hash,
            seq=seal.seq,
            merkle_root=seal.merkle_root,
            count=seal.event_count,
            tree_size=seal.tree_size,
            first_id=seal.first_event_id,
            last_id=seal.last_event_id,
            rejected=seal.rejected_event_ids,
            created_at=seal.created_at,
        )
        seal.key_id, seal.signature = keys.sign(
            hashing.tree_head(
                size=seal.tree_size, seq=seal.seq, head_hash=seal.seal_hash, time=seal.created_at
            )
        )
        seal.save(force_insert=True)
        AuditEvent.objects.filter(id__in=[*ids, *batch.rejected], seal__isnull=True).update(
            seal=seal
        )
        return seal


def audit_seal_all() -> int:
    """Seal everything pending (commands call it before verifying or exporting)."""
    sealed = 0
    while (seal := audit_seal_pending()) is not None:
        sealed += seal.event_count + len(seal.rejected_event_ids)
    return sealed
