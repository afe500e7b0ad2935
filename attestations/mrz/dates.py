"""Two-digit years: ICAO 9303 dates carry no century, so it is inferred from ``today``."""

from __future__ import annotations

import datetime as dt

from attestations.mrz.types import MrzDate

# A document is not issued for longer than this, so an expiry year further ahead
# than this belongs to the previous century.
EXPIRY_HORIZON_YEARS = 20


def _parts(raw: str) -> tuple[int, int, int] | None:
    if len(raw) != 6 or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw[0:2]), int(raw[2:4]), int(raw[4:6])


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def birth_date(raw: str, *, today: dt.date) -> MrzDate:
    """A birth date is in the past: the latest century that does not put it after ``today``."""
    parts = _parts(raw)
    if parts is None:
        return MrzDate(raw=raw, value=None)
    yy, month, day = parts
    century = today.year - today.year % 100
    value = _date(century + yy, month, day)
    if value is not None and value > today:
        value = _date(century - 100 + yy, month, day)
    return MrzDate(raw=raw, value=value)


def expiry_date(raw: str, *, today: dt.date) -> MrzDate:
    """An expiry date lies at most :data:`EXPIRY_HORIZON_YEARS` after ``today``."""
    parts = _parts(raw)
    if parts is None:
        return MrzDate(raw=raw, value=None)
    yy, month, day = parts
    century = today.year - today.year % 100
    year = century + yy
    if year > today.year + EXPIRY_HORIZON_YEARS:
        year -= 100
    elif year < today.year + EXPIRY_HORIZON_YEARS - 100:
        year += 100
    return MrzDate(raw=raw, value=_date(year, month, day))
