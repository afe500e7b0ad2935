"""Ids the token path's insert needs before it runs, taken from the tables' sequences.

The decision's audit event names its geo signal, and each audit event's content hash
and MAC cover its own id (``audit.hashing``), so those ids must be known before the
rows are written. On PostgreSQL a token request's one read (``reads.tier_and_token_facts``)
takes them with the rest, and the insert uses them (``writes``): no statement of their
own. An id taken and not used (a refused decision writes one audit event, an unknown
tier none) leaves a gap, as a rolled-back insert does; nothing reads ids as contiguous.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from audit.models import AuditEvent
from geo.models import GeoSignal


@dataclass(frozen=True)
class ReservedIds:
    """A geo signal's id, and audit events' ids in ascending order."""

    geo_signal: int
    audit_events: tuple[int, ...]


def nextval(model: type[Model]) -> str:
    """SQL taking ``model``'s next id from its table's sequence."""
    return f"nextval(pg_get_serial_sequence('{model._meta.db_table}', 'id'))"


# What one token request can write: one geo signal, two audit events (the decision's
# and the token's).
RESERVE_COLUMNS = (nextval(GeoSignal), nextval(AuditEvent), nextval(AuditEvent))


def reserved(values: Sequence[Any]) -> ReservedIds:
    """``RESERVE_COLUMNS``' values, read."""
    geo, *events = (int(value) for value in values)
    return ReservedIds(geo_signal=geo, audit_events=tuple(sorted(events)))
