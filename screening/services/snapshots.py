"""Loading a list snapshot and making it current, atomically.

The entries are written under a new snapshot id, which no search reads; only
then does one transaction, holding the ``ScreeningState`` row lock, make it
the feed's current snapshot. A refused file, a failed load or a snapshot that
shrinks too far leaves the lists in force exactly as they were. The snapshot
before the current one is kept (for comparison and rollback); older ones are
retired and their entries deleted (matches keep a copy of the entry they name).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from screening.formats import FORMAT_FEED, ImportRefused, ParsedEntry, read_list
from screening.models import ListEntry, ListSnapshot, ScreeningState
from screening.services.rescreens import rescreen_start

logger = logging.getLogger(__name__)
BATCH = 2000
State = ListSnapshot.State


@dataclass(frozen=True)
class ImportResult:
    snapshot: ListSnapshot
    changed: bool
    previous_count: int | None
    list_version: str


def lock_state() -> ScreeningState:
    """The state row, locked for this transaction (created on first use)."""
    state = ScreeningState.objects.select_for_update().filter(pk=1).first()
    if state is not None:
        return state
    try:
        with transaction.atomic():
            ScreeningState.objects.create(pk=1)
    except IntegrityError:
        pass  # created concurrently; lock that one
    return ScreeningState.objects.select_for_update().get(pk=1)


def _row(snapshot: ListSnapshot, entry: ParsedEntry) -> ListEntry:
    return ListEntry(
        snapshot=snapshot,
        key=entry.key,
        fingerprint=entry.fingerprint,
        source_list=entry.source_list,
        entity_number=entry.entity_number,
        kind=str(entry.kind),
        name=entry.name,
        aliases=entry.aliases,
        dates_of_birth=entry.dates_of_birth,
        nationalities=entry.nationalities,
        citizenships=entry.citizenships,
        address_countries=entry.address_countries,
        programs=entry.programs,
        start_date=entry.start_date,
        end_date=entry.end_date,
        list_url=entry.list_url,
        remarks=entry.remarks,
    )


def _shrink_refusal(*, new: int, current: int) -> ImportRefused | None:
    limit: float = settings.IDV_SCREENING_MAX_SHRINK
    if current and new < current * (1 - limit):
        return ImportRefused(
            f"the new list has {new} entries against {current} in force, a drop of more than "
            f"{limit:.0%} (IDV_SCREENING_MAX_SHRINK); a truncated download? Import it with "
            "--force if the list really shrank."
        )
    return None


def current_version(state: ScreeningState | None = None) -> str:
    current = ListSnapshot.objects.filter(state=State.CURRENT).order_by("feed")
    return ",".join(snapshot.version for snapshot in current)


def snapshot_import(
    *,
    path: Path,
    fmt: str | None = None,
    force: bool = False,
    origin: str = "",
) -> ImportResult:
    """Read the list at ``path`` whole, load it under a new snapshot, and make it current.

    Unchanged content (same digest as the current snapshot) changes nothing
    unless forced. Raises ImportRefused, with the line and the reason, for a
    malformed file or one that shrinks by more than ``IDV_SCREENING_MAX_SHRINK``.
    """
    parsed = read_list(path, fmt)
    feed = FORMAT_FEED[parsed.format]
    current = ListSnapshot.objects.filter(feed=feed, state=State.CURRENT).first()
    if current is not None and not force:
        if current.sha256 == parsed.sha256:
            return ImportResult(current, False, current.entry_count, current_version())
        refusal = _shrink_refusal(new=len(parsed.entries), current=current.entry_count)
        if refusal is not None:
            raise refusal
    snapshot = ListSnapshot.objects.create(
        feed=feed,
        format=parsed.format,
        sha256=parsed.sha256,
        entry_count=len(parsed.entries),
        alias_count=parsed.alias_count,
        origin=(origin or str(path))[:500],
        forced=force,
    )
    try:
        with transaction.atomic():
            for start in range(0, len(parsed.entries), BATCH):
                batch = parsed.entries[start : start + BATCH]
                ListEntry.objects.bulk_create([_row(snapshot, entry) for entry in batch])
        return _make_current(snapshot, force=force)
    except BaseException as exc:
        ListEntry.objects.filter(snapshot=snapshot).delete()
        reason = exc.message if isinstance(exc, ImportRefused) else type(exc).__name__
        ListSnapshot.objects.filter(pk=snapshot.pk).update(state=State.FAILED, error=reason[:500])
        raise


def _make_current(snapshot: ListSnapshot, *, force: bool) -> ImportResult:
    with transaction.atomic():
        state = lock_state()
        # Read again under the lock: another import may have flipped meanwhile.
        current = (
            ListSnapshot.objects.select_for_update()
            .filter(feed=snapshot.feed, state=State.CURRENT)
            .first()
        )
        previous_count = current.entry_count if current else None
        if current is not None and not force:
            refusal = _shrink_refusal(new=snapshot.entry_count, current=current.entry_count)
            if refusal is not None:
                raise refusal
        older = list(
            ListSnapshot.objects.filter(feed=snapshot.feed, state=State.PREVIOUS).values_list(
                "pk", flat=True
            )
        )
        ListSnapshot.objects.filter(pk__in=older).update(state=State.RETIRED)
        if current is not None:
            current.state = State.PREVIOUS
            current.save(update_fields=["state"])
        now = timezone.now()
        snapshot.state = State.CURRENT
        snapshot.completed_at = now
        snapshot.save(update_fields=["state", "completed_at"])
        state.version = current_version()
        state.generation += 1
        state.changed_at = now
        state.save()
        audit_record(
            action="screening.snapshot_imported",
            actor=None,
            subject_type="screening_list",
            subject_id=snapshot.feed,
            data={
                "snapshot": snapshot.pk,
                "format": snapshot.format,
                "sha256": snapshot.sha256,
                "entries": snapshot.entry_count,
                "aliases": snapshot.alias_count,
                "previous_entries": previous_count,
                "forced": force,
                "origin": snapshot.origin,
                "list_version": state.version,
            },
        )
        # Retired snapshots' entries go; the decided matches keep their own copies.
        ListEntry.objects.filter(snapshot_id__in=older).delete()
        transaction.on_commit(lambda: _after_flip(state.version))
    return ImportResult(snapshot, True, previous_count, state.version)


def _after_flip(version: str) -> None:
    rescreen_start(list_version=version)
