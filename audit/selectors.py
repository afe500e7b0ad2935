"""Reading the audit log: verify the chain, stream events for export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from audit import hashing
from audit.models import AuditEvent, AuditSeal

_CHUNK = 5_000


@dataclass
class VerifyReport:
    seals_checked: int = 0
    events_checked: int = 0
    unsealed_events: int = 0
    head_hash: str = hashing.GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _recomputed_hash(event: AuditEvent) -> str:
    return hashing.content_hash(
        hashing.canonical_event(
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


def audit_verify(*, expected_head: str | None = None) -> VerifyReport:
    """Check every event's content hash, every seal's Merkle root and the seal chain."""
    report = VerifyReport()
    prev_hash = hashing.GENESIS
    expected_seq = 1
    for seal in AuditSeal.objects.order_by("seq").iterator(chunk_size=1000):
        report.seals_checked += 1
        if seal.seq != expected_seq:
            report.problems.append(f"Seal #{expected_seq} is missing (found #{seal.seq} next).")
        expected_seq = seal.seq + 1
        if seal.prev_hash != prev_hash:
            report.problems.append(f"Seal #{seal.seq} does not link to the seal before it.")
        leaves: list[str] = []
        for event in AuditEvent.objects.filter(seal=seal).order_by("id").iterator(_CHUNK):
            report.events_checked += 1
            if _recomputed_hash(event) != event.content_hash:
                report.problems.append(f"Event {event.id} was modified after it was written.")
            leaves.append(event.content_hash)
        if len(leaves) != seal.event_count:
            report.problems.append(
                f"Seal #{seal.seq} covered {seal.event_count} events; {len(leaves)} remain "
                "(events were deleted)."
            )
        if hashing.merkle_root(leaves) != seal.merkle_root:
            report.problems.append(f"Seal #{seal.seq}: its events do not match its Merkle root.")
        recomputed = hashing.seal_hash(
            prev_hash=seal.prev_hash,
            seq=seal.seq,
            merkle_root=seal.merkle_root,
            count=seal.event_count,
            first_id=seal.first_event_id,
            last_id=seal.last_event_id,
        )
        if recomputed != seal.seal_hash:
            report.problems.append(f"Seal #{seal.seq} was modified.")
        prev_hash = seal.seal_hash
    report.head_hash = prev_hash
    if expected_head is not None and expected_head != prev_hash:
        report.problems.append(
            "The chain head differs from the expected head recorded earlier: "
            "seals were rewritten or removed."
        )
    for event in AuditEvent.objects.filter(seal__isnull=True).iterator(_CHUNK):
        report.unsealed_events += 1
        report.events_checked += 1
        if _recomputed_hash(event) != event.content_hash:
            report.problems.append(f"Event {event.id} was modified after it was written.")
    return report


EXPORT_FIELDS = [
    "id",
    "occurred_at",
    "action",
    "actor",
    "actor_label",
    "subject_type",
    "subject_id",
    "organization_id",
    "request_id",
    "data",
    "content_hash",
    "seal_seq",
]


def audit_events_for_export(
    *, since: datetime | None = None, until: datetime | None = None, action: str | None = None
) -> Iterator[dict[str, Any]]:
    events = AuditEvent.objects.select_related("seal").order_by("id")
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    if action:
        events = events.filter(action=action)
    for event in events.iterator(chunk_size=_CHUNK):
        yield {
            "id": event.id,
            "occurred_at": event.occurred_at.isoformat(),
            "action": event.action,
            "actor": event.actor,
            "actor_label": event.actor_label,
            "subject_type": event.subject_type,
            "subject_id": event.subject_id,
            "organization_id": str(event.organization_id) if event.organization_id else None,
            "request_id": event.request_id,
            "data": event.data,
            "content_hash": event.content_hash,
            "seal_seq": event.seal.seq if event.seal else None,
        }
