"""Writes: recording the geo signals a decision was made on."""

from __future__ import annotations

from geo.location_signals import GeoSignals
from geo.models import GeoSignal
from geo.places import PlaceEvaluation

MAX_PURPOSE_LENGTH = 40


def geosignal_build(*, signals: GeoSignals, evaluation: PlaceEvaluation, purpose: str) -> GeoSignal:
    """The record of what the signals and the places policy said, unsaved (for a caller
    that writes it together with the decision it explains)."""
    label = purpose.strip()
    if not label or len(label) > MAX_PURPOSE_LENGTH:
        msg = f"purpose must be 1 to {MAX_PURPOSE_LENGTH} characters, got {purpose!r}"
        raise ValueError(msg)
    city, anonymous = signals.city_database, signals.anonymous_database
    return GeoSignal(
        purpose=label,
        ip=None if signals.ip is None else str(signals.ip),
        signals=signals.to_dict(),
        evaluation=evaluation.to_dict(),
        allowed=evaluation.allowed,
        city_db_build_date=None if city is None else city.build_date,
        anonymous_db_build_date=None if anonymous is None else anonymous.build_date,
        demo_data=signals.demo_data,
        note=signals.note,
    )


def geosignal_record(
    *, signals: GeoSignals, evaluation: PlaceEvaluation, purpose: str
) -> GeoSignal:
    """Store what the signals and the places policy said, for the audit record.

    ``purpose`` is ``GeoSignal.Purpose.ATTESTATION``, ``GeoSignal.Purpose.TOKEN``
    or another short label. Runs inside the caller's transaction, so the row
    lands together with the decision it explains.
    """
    signal = geosignal_build(signals=signals, evaluation=evaluation, purpose=purpose)
    signal.save(force_insert=True)
    return signal
