"""Checks of one stored event, shared by the sealer (before it vouches for an event)
and the verifier (after)."""

from __future__ import annotations

from audit import hashing
from audit.models import AuditEvent


def recomputed_hash(event: AuditEvent, *, scheme: int) -> str:
    """The content hash of the row as it stands, under ``scheme`` (``hashing.LEGACY`` or
    ``hashing.SIGNED``, which covers the id)."""
    return hashing.content_hash(
        hashing.canonical_event(
            event_id=event.id if scheme == hashing.SIGNED else None,
            occurred_at=event.occurred_at,
            action=event.action,
            actor=event.actor,
            actor_label=event.actor_label,
            subject_type=event.subject_type,
            subject_id=event.subject_id,
            organization_id=event.organization_id,
            request_id=event.request_id,
            data=event.data,
        )
    )


def mac_problem(event: AuditEvent, macs: dict[str, bytes]) -> str | None:
    """Why the application cannot have written this row as it stands, or None.

    ``macs`` are the MAC keys by kid, and must include ``event.key_id`` when it is set:
    a key this process does not hold is the caller's to judge.
    """
    if not event.key_id or not event.mac:
        return "it has no MAC (written without the audit key)"
    recomputed = recomputed_hash(event, scheme=hashing.SIGNED)
    if recomputed != event.content_hash:
        return "its content does not match its hash (modified after it was written)"
    if not hashing.macs_equal(hashing.event_mac(macs[event.key_id], recomputed), event.mac):
        return "its MAC does not match (written or rewritten without the audit key)"
    return None
