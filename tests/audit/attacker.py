"""What someone with the database owner's rights, and nothing else, can do to the audit log.

They can read and rewrite any row, switch triggers off for their session, and
compute any unkeyed hash (the canonical formats are public). They do not have
``IDV_AUDIT_SEAL_KEY``, so they can compute neither an event's MAC nor a
seal's signature.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.utils import timezone

from audit import hashing
from audit.models import AuditEvent, AuditSeal


def sql(statement: str, params: list[Any] | None = None) -> None:
    """Run SQL with the append-only trigger off, as a superuser can for its session."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(statement, params or [])
        cursor.execute("SET session_replication_role = DEFAULT")


def unkeyed_hash(event_id: int | None, **fields: Any) -> str:
    return hashing.content_hash(hashing.canonical_event(event_id=event_id, **fields))


def fields_of(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at,
        "action": event.action,
        "actor": event.actor,
        "actor_label": event.actor_label,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "organization_id": event.organization_id,
        "request_id": event.request_id,
        "data": event.data,
    }


def rewrite_event(event: AuditEvent, **changes: Any) -> None:
    """Change an event's columns and recompute its content hash so that it matches."""
    event.refresh_from_db()
    fields = {**fields_of(event), **changes}
    digest = unkeyed_hash(event.id, **fields)
    sql(
        "UPDATE audit_auditevent SET action = %s, subject_id = %s, data = %s, content_hash = %s "
        "WHERE id = %s",
        [fields["action"], fields["subject_id"], json.dumps(fields["data"]), digest, event.id],
    )


def insert_event(
    *,
    event_id: int | None = None,
    action: str = "officer.approved",
    mac: str = "",
    key_id: str = "",
    seal_id: int | None = None,
    legacy: bool = False,
) -> int:
    """A row written with SQL alone, its content hash recomputed. Returns its id."""
    if event_id is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id'))")
            (event_id,) = cursor.fetchone() or (0,)
    fields = {
        "occurred_at": timezone.now(),
        "action": action,
        "actor": "system",
        "actor_label": "",
        "subject_type": "document",
        "subject_id": "42",
        "organization_id": None,
        "request_id": "",
        "data": {"forged": True},
    }
    digest = unkeyed_hash(None if legacy else event_id, **fields)
    sql(
        "INSERT INTO audit_auditevent (id, occurred_at, action, actor, actor_label, "
        "subject_type, subject_id, organization_id, request_id, data, content_hash, mac, "
        "key_id, seal_id) VALUES (%s, %s, %s, %s, %s, %s, %s, NULL, %s, %s, %s, %s, %s, %s)",
        [
            event_id,
            fields["occurred_at"],
            action,
            "system",
            "",
            "document",
            "42",
            "",
            json.dumps(fields["data"]),
            digest,
            mac,
            key_id,
            seal_id,
        ],
    )
    return int(event_id)


def reseal(seal: AuditSeal) -> None:
    """Make a signed seal agree with its rows again, as far as hashing can: root, count,
    size and hash. The signature cannot follow."""
    seal.refresh_from_db()
    rows = AuditEvent.objects.filter(seal=seal).exclude(id__in=seal.rejected_event_ids)
    leaves = list(rows.order_by("id").values_list("content_hash", flat=True))
    seal.merkle_root = hashing.merkle_root(leaves)
    seal.tree_size += len(leaves) - seal.event_count
    seal.event_count = len(leaves)
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
    seal.save()
