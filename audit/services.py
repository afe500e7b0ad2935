"""Writing to the audit log: record an event, seal pending events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from audit import hashing
from audit.models import AuditEvent, AuditSeal
from idverify.logging import request_id_var

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


def _event(entry: AuditEntry, now: datetime) -> AuditEvent:
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
    return AuditEvent(
        content_hash=hashing.content_hash(hashing.canonical_event(**fields)), **fields
    )


def audit_events_build(entries: Sequence[AuditEntry]) -> list[AuditEvent]:
    """The events, hashed and unsaved, for a caller that writes them with its own rows
    in one statement (``idverify.db_writes``); they must land in the same transaction
    as the change they record."""
    now = timezone.now()
    return [_event(entry, now) for entry in entries]


def audit_record_many(entries: Sequence[AuditEntry]) -> list[AuditEvent]:
    """Append several events in one statement. Call it inside the change's transaction."""
    events = audit_events_build(entries)
    if connection.in_atomic_block:
        # The caller's transaction is the unit; a savepoint would only add round trips.
        return AuditEvent.objects.bulk_create(events)
    with transaction.atomic():
        return AuditEvent.objects.bulk_create(events)


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


def audit_seal_pending(*, limit: int = SEAL_BATCH) -> AuditSeal | None:
    """Seal committed, unsealed events into the next link of the chain.

    One sealer at a time (a PostgreSQL advisory lock; SQLite serialises
    writers anyway); a concurrent call returns None at once instead of waiting.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEAL_LOCK_ID])
                (locked,) = cursor.fetchone() or (False,)
            if not locked:
                return None
        pending = list(
            AuditEvent.objects.filter(seal__isnull=True)
            .order_by("id")
            .values_list("id", "content_hash")[:limit]
        )
        if not pending:
            return None
        last = AuditSeal.objects.order_by("-seq").first()
        seq = (last.seq + 1) if last else 1
        prev_hash = last.seal_hash if last else hashing.GENESIS
        root = hashing.merkle_root([h for _, h in pending])
        ids = [event_id for event_id, _ in pending]
        seal = AuditSeal.objects.create(
            seq=seq,
            event_count=len(ids),
            first_event_id=ids[0],
            last_event_id=ids[-1],
            merkle_root=root,
            prev_hash=prev_hash,
            seal_hash=hashing.seal_hash(
                prev_hash=prev_hash,
                seq=seq,
                merkle_root=root,
                count=len(ids),
                first_id=ids[0],
                last_id=ids[-1],
            ),
        )
        AuditEvent.objects.filter(id__in=ids).update(seal=seal)
        return seal


def audit_seal_all() -> int:
    """Seal everything pending (commands call it before verifying or exporting)."""
    sealed = 0
    while (seal := audit_seal_pending()) is not None:
        sealed += seal.event_count
    return sealed
