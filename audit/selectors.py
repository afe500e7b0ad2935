"""Reading the audit log: verify the chain against stored heads, the newest head,
events for export."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db.models import Count

from audit import hashing, integrity, keys
from audit.heads import SignedHead
from audit.models import AuditEvent, AuditSeal

_CHUNK = 5_000
_HEX64 = re.compile(r"[0-9a-f]{64}")
_NO_HASH = "0" * 64


@dataclass
class VerifyReport:
    seals_checked: int = 0
    events_checked: int = 0
    unsealed_events: int = 0
    oldest_unsealed: datetime | None = None
    # Events and seals from before signed sealing (audit.hashing.LEGACY).
    legacy_seals: int = 0
    legacy_events: int = 0
    head: SignedHead | None = None
    heads_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Walk:
    """Where the walk along the chain of seals has got to."""

    report: VerifyReport
    trusted: dict[str, Ed25519PublicKey]
    heads: dict[int, list[SignedHead]]
    prev_hash: str = hashing.GENESIS
    expected_seq: int = 1
    size: int = 0
    signed_seen: bool = False

    def problem(self, text: str) -> None:
        self.report.problems.append(text)

    def seal(self, seal: AuditSeal, events: list[AuditEvent]) -> None:
        self.report.seals_checked += 1
        if seal.seq != self.expected_seq:
            self.problem(f"Seal #{self.expected_seq} is missing (found #{seal.seq} next).")
        self.expected_seq = seal.seq + 1
        if seal.prev_hash != self.prev_hash:
            self.problem(f"Seal #{seal.seq} does not link to the seal before it.")
        if seal.version == hashing.SIGNED:
            self._signed(seal, events)
        elif seal.version == hashing.LEGACY and not self.signed_seen:
            self._legacy(seal, events)
        elif seal.version == hashing.LEGACY:
            self.problem(
                f"Seal #{seal.seq} is unsigned but comes after signed seals: "
                "the sealer did not make it."
            )
        else:
            self.problem(f"Seal #{seal.seq} has an unknown version {seal.version}.")
        for head in self.heads.pop(seal.seq, []):
            if (head.head_hash, head.size) != (seal.seal_hash, seal.tree_size):
                self.problem(
                    f"The log does not extend the stored head of {head.size} events "
                    f"(seal #{head.seq}): events or seals up to it were rewritten or removed."
                )
        self.prev_hash = seal.seal_hash

    def _leaves(self, seal: AuditSeal, events: list[AuditEvent], scheme: int) -> list[str]:
        leaves = []
        for event in events:
            self.report.events_checked += 1
            if integrity.recomputed_hash(event, scheme=scheme) != event.content_hash:
                self.problem(f"Event {event.id} was modified after it was written.")
            # A hash column rewritten to something that is not a hash still makes a leaf.
            leaves.append(event.content_hash if _HEX64.fullmatch(event.content_hash) else _NO_HASH)
        if len(leaves) != seal.event_count:
            self.problem(
                f"Seal #{seal.seq} covered {seal.event_count} events; {len(leaves)} remain "
                "(events were deleted or added)."
            )
        if hashing.merkle_root(leaves) != seal.merkle_root:
            self.problem(f"Seal #{seal.seq}: its events do not match its Merkle root.")
        self.size += len(leaves)
        return leaves

    def _legacy(self, seal: AuditSeal, events: list[AuditEvent]) -> None:
        self.report.legacy_seals += 1
        self.report.legacy_events += len(events)
        self._leaves(seal, events, hashing.LEGACY)
        recomputed = hashing.seal_hash(
            prev_hash=seal.prev_hash,
            seq=seal.seq,
            merkle_root=seal.merkle_root,
            count=seal.event_count,
            first_id=seal.first_event_id,
            last_id=seal.last_event_id,
        )
        if recomputed != seal.seal_hash:
            self.problem(f"Seal #{seal.seq} was modified.")

    def _signed(self, seal: AuditSeal, events: list[AuditEvent]) -> None:
        self.signed_seen = True
        rejected = seal.rejected_event_ids
        if not isinstance(rejected, list) or not all(type(i) is int for i in rejected):
            self.problem(f"Seal #{seal.seq} was modified (its refused events are not a list).")
            rejected = []
        refused = set(rejected)
        for event in events:
            if event.id in refused:
                self.report.events_checked += 1
                self.problem(
                    f"Event {event.id} was refused by seal #{seal.seq}: it had no valid MAC, "
                    "so it was written or rewritten without the audit key."
                )
        self._leaves(seal, [e for e in events if e.id not in refused], hashing.SIGNED)
        if seal.tree_size != self.size:
            self.problem(
                f"Seal #{seal.seq} says {seal.tree_size} events lead up to it; "
                f"the chain holds {self.size}."
            )
        recomputed = hashing.signed_seal_hash(
            prev_hash=seal.prev_hash,
            seq=seal.seq,
            merkle_root=seal.merkle_root,
            count=seal.event_count,
            tree_size=seal.tree_size,
            first_id=seal.first_event_id,
            last_id=seal.last_event_id,
            rejected=rejected,
            created_at=seal.created_at,
        )
        if recomputed != seal.seal_hash:
            self.problem(f"Seal #{seal.seq} was modified.")
        if seal.key_id not in self.trusted:
            self.problem(
                f"Seal #{seal.seq} is signed with audit key {seal.key_id or '(none)'}, "
                "which is not trusted here (see IDV_AUDIT_SEAL_PUBLIC_KEYS)."
            )
        elif not SignedHead.of(seal).signed_by(self.trusted):
            self.problem(
                f"Seal #{seal.seq}'s signature does not verify: it was not made with the audit key."
            )


def _seal_batches() -> Iterator[list[AuditSeal]]:
    """Seals in chain order, a batch at a time (each batch's events are read in one query).

    A seal's events were committed with it, so a seal read here has all its events.
    """
    batch: list[AuditSeal] = []
    events = 0
    for seal in AuditSeal.objects.order_by("seq", "id").iterator(chunk_size=1000):
        batch.append(seal)
        events += seal.event_count
        if events >= _CHUNK or len(batch) >= 1000:
            yield batch
            batch, events = [], 0
    if batch:
        yield batch


def audit_verify(*, heads: Sequence[SignedHead] = ()) -> VerifyReport:
    """Walk the whole log from the first seal: every event's content hash, every seal's
    Merkle root, link, size and signature; the MACs of events not yet sealed; and that
    the log extends each of ``heads`` (signed heads stored earlier)."""
    report = VerifyReport()
    trusted = keys.trusted_public_keys()
    walk = _Walk(report=report, trusted=trusted, heads={})
    for head in heads:
        report.heads_checked += 1
        if not head.signed_by(trusted):
            report.problems.append(
                f"The stored head of {head.size} events (seal #{head.seq}) is not signed by "
                "a trusted audit key: it is not a head of this log."
            )
        walk.heads.setdefault(head.seq, []).append(head)
    for batch in _seal_batches():
        by_seal: dict[int, list[AuditEvent]] = {seal.id: [] for seal in batch}
        for event in AuditEvent.objects.filter(seal__in=batch).order_by("id").iterator(_CHUNK):
            by_seal[event.seal_id].append(event)  # type: ignore[index]
        for seal in batch:
            walk.seal(seal, by_seal[seal.id])
            if seal.version == hashing.SIGNED:
                report.head = SignedHead.of(seal)
    for seq, waiting in sorted(walk.heads.items()):
        if seq == 0:
            continue  # the empty log: every log extends it
        report.problems += [
            f"The log ends at seal #{walk.expected_seq - 1}, before the stored head's "
            f"seal #{head.seq}: seals were removed."
            for head in waiting
        ]
    _check_unsealed(report)
    _check_rows_outside_the_chain(report)
    return report


def _check_unsealed(report: VerifyReport) -> None:
    macs = keys.mac_keys()
    for event in AuditEvent.objects.filter(seal__isnull=True).order_by("id").iterator(_CHUNK):
        report.unsealed_events += 1
        report.events_checked += 1
        if report.oldest_unsealed is None or event.occurred_at < report.oldest_unsealed:
            report.oldest_unsealed = event.occurred_at
        if event.key_id and event.key_id not in macs:
            report.problems.append(
                f"Event {event.id} is not sealed and its MAC is under audit key "
                f"{event.key_id}, which is not configured here."
            )
        elif (problem := integrity.mac_problem(event, macs)) is not None:
            report.problems.append(f"Event {event.id} cannot be trusted: {problem}.")


def _check_rows_outside_the_chain(report: VerifyReport) -> None:
    """Rows the walk cannot see: a seal id no seal has, an id twice (constraints dropped)."""
    stray = (
        AuditEvent.objects.filter(seal__isnull=False)
        .exclude(seal_id__in=AuditSeal.objects.values("id"))
        .values_list("id", flat=True)
    )
    report.problems += [
        f"Event {event_id} names a seal that does not exist." for event_id in stray[:20]
    ]
    twice = AuditEvent.objects.values("id").annotate(n=Count("id")).filter(n__gt=1)
    report.problems += [f"Event id {row['id']} occurs {row['n']} times." for row in twice[:20]]


def audit_newest_head() -> SignedHead | None:
    """The newest seal's head, if it is signed (an operator stores it off the machine)."""
    seal = AuditSeal.objects.order_by("-seq").first()
    if seal is None or seal.version != hashing.SIGNED:
        return None
    return SignedHead.of(seal)


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
