"""The GeoIP seam: one typed interface and its MaxMind implementation.

Everything else in the project asks :class:`GeoReader` for
:class:`~geo.location_signals.GeoSignals`; tests either use the real implementation
on a generated ``.mmdb`` or supply their own ``GeoReader``.

The MaxMind implementation reads records with ``maxminddb`` and picks the
fields geoip2's ``Reader.city``/``country``/``enterprise`` and
``anonymous_ip``/``anonymous_plus`` would expose (the method is chosen by the
file's ``database_type``, see :func:`geo.mmdb_file.detect_kind`). geoip2's
model objects decode names in every language and cost several times the
lookup itself; the signals need only codes and flags.
"""

from __future__ import annotations

import logging
import os
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address
from typing import Any, Protocol

from geo.addresses import IPAddress, is_local, is_local_ipv4, normalize
from geo.location_signals import ANONYMIZER_FLAGS, AnonymousStatus, GeoSignals
from geo.mmdb_file import (
    ANONYMOUS_KINDS,
    LOCATION_KINDS,
    DatabaseState,
    OpenDatabase,
    ReloadingDatabase,
)

logger = logging.getLogger(__name__)

# A record of the wrong shape, or a reader failing mid-lookup, makes that
# database unavailable for this lookup rather than an error page.
_LOOKUP_ERRORS = (AttributeError, TypeError, ValueError, RuntimeError)


@dataclass(frozen=True)
class GeoDatabases:
    """Both database slots, for readiness checks and operators."""

    city: DatabaseState
    anonymous: DatabaseState


class GeoReader(Protocol):
    """The seam: turn one (already extracted) client address into signals."""

    def lookup(self, ip: IPAddress | None) -> GeoSignals:
        """Signals for ``ip``; ``None`` (no address could be established)
        gives status ``unknown``. Never raises for a database problem."""
        ...

    def databases(self) -> GeoDatabases:
        """The state of the location and anonymiser databases."""
        ...


_new_object = object.__new__


@dataclass(frozen=True)
class _Snapshot:
    """The readers in use and the signals template they imply, swapped in
    as one object so a lookup never mixes two generations."""

    city: OpenDatabase | None
    anonymous: OpenDatabase | None
    template: dict[str, Any]


class MaxMindGeoReader:
    """``GeoReader`` over a location database (City, Country or Enterprise)
    and an optional anonymiser database (Anonymous-IP or Anonymous-Plus).

    Thread-safe. Lookups read the current snapshot without a lock; at most
    once per ``check_interval`` one thread stats both files (under a lock)
    and swaps in a new snapshot if either changed.
    """

    def __init__(
        self,
        city_db: str | os.PathLike[str] | None,
        anonymous_db: str | os.PathLike[str] | None = None,
        *,
        check_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._city = ReloadingDatabase(city_db, accepts=LOCATION_KINDS)
        self._anonymous = ReloadingDatabase(anonymous_db, accepts=ANONYMOUS_KINDS)
        self._interval = check_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._next_check = float("-inf")
        self._snapshot = _Snapshot(None, None, {})

    def databases(self) -> GeoDatabases:
        self._current()
        return GeoDatabases(city=self._city.state, anonymous=self._anonymous.state)

    def lookup(self, ip: IPAddress | None) -> GeoSignals:
        if self._clock() >= self._next_check:  # _current(), inlined: runs per lookup
            self._refresh()
        snapshot = self._snapshot
        # Fill the instance dict directly; _template says why.
        signals: GeoSignals = _new_object(GeoSignals)
        values = signals.__dict__
        values.update(snapshot.template)
        if ip is None:
            return signals
        if isinstance(ip, IPv4Address):
            local = is_local_ipv4(int(ip))
        else:
            ip = normalize(ip)
            local = is_local(ip)
        values["ip"] = ip
        if local:
            values["status"] = "local"
            return signals
        city = snapshot.city
        if city is None:
            values["status"] = "unavailable"
        else:
            _read_location(city, ip, values)
        anonymous = snapshot.anonymous
        if anonymous is not None:
            _read_anonymous(anonymous, ip, values)
        return signals

    def _current(self) -> _Snapshot:
        if self._clock() >= self._next_check:
            self._refresh()
        return self._snapshot

    def _refresh(self) -> None:
        with self._lock:
            now = self._clock()
            if now < self._next_check:
                return  # another thread refreshed while this one waited
            self._next_check = now + self._interval
            city = self._city.check().database
            anonymous_state = self._anonymous.check()
            anonymous = anonymous_state.database
            previous = self._snapshot
            if previous.template and previous.city is city and previous.anonymous is anonymous:
                return
            self._snapshot = _Snapshot(
                city, anonymous, _template(city, anonymous, anonymous_state.configured)
            )


def _template(
    city: OpenDatabase | None, anonymous: OpenDatabase | None, anonymous_configured: bool
) -> dict[str, Any]:
    # Every lookup starts from these fields and changes a few. The generated
    # __init__ of a frozen dataclass sets each of its twenty fields through
    # object.__setattr__, which alone costs more than the 1.2x budget over a
    # raw lookup (bench/geo_lookup.py). A dataclass keeps each simple
    # default as a class attribute, so an instance dict holding only the
    # fields that differ from their defaults is the same value the
    # constructor builds (tests/geo/test_readers.py checks it).
    anonymous_status: AnonymousStatus = "not_configured"
    if anonymous is not None:
        anonymous_status = "unknown"
    elif anonymous_configured:
        anonymous_status = "unavailable"
    prototype = GeoSignals(
        ip=None,
        status="unknown",
        anonymous_status=anonymous_status,
        city_database=None if city is None else city.info,
        anonymous_database=None if anonymous is None else anonymous.info,
    )
    return {
        name: value
        for name, value in vars(prototype).items()
        if value != getattr(GeoSignals, name, _NO_DEFAULT)
    }


_NO_DEFAULT = object()


def _read_location(database: OpenDatabase, ip: IPAddress, values: dict[str, Any]) -> None:
    try:
        record: Any = database.reader.get(ip)
        if record is None:
            return  # the template already says "unknown"
        values["status"] = "found"
        place = record.get("country")
        country = _ALPHA2.get(place.get("iso_code")) if place else None
        if country is not None:
            values["country"] = country
            subdivisions = record.get("subdivisions")
            if subdivisions:
                values["subdivisions"] = _subdivision_codes(country, subdivisions)
        place = record.get("registered_country")
        if place:
            values["registered_country"] = _ALPHA2.get(place.get("iso_code"))
        place = record.get("represented_country")
        if place:
            values["represented_country"] = _ALPHA2.get(place.get("iso_code"))
        traits = record.get("traits")
        if traits:
            asn = traits.get("autonomous_system_number")
            organisation = traits.get("autonomous_system_organization")
            values["asn"] = asn if type(asn) is int else None
            values["asn_org"] = organisation if isinstance(organisation, str) else None
    except _LOOKUP_ERRORS as exc:
        if _ipv6_in_ipv4_database(exc, database, ip):
            values["status"] = "unknown"
            return
        logger.warning("GeoIP location lookup failed: %s", exc)
        values.update(_EMPTY_LOCATION)
        values["status"] = "unavailable"


_EMPTY_LOCATION: dict[str, Any] = {
    "country": None,
    "subdivisions": (),
    "registered_country": None,
    "represented_country": None,
    "asn": None,
    "asn_org": None,
}


def _read_anonymous(database: OpenDatabase, ip: IPAddress, values: dict[str, Any]) -> None:
    try:
        record: Any = database.reader.get(ip)
        if record is None:
            return  # the template already says "unknown": not a listed anonymiser
        values["anonymous_status"] = "found"
        for name in ANONYMIZER_FLAGS:
            if record.get(name) is True:
                values[name] = True
        confidence = record.get("anonymizer_confidence")
        if confidence is not None:
            provider = record.get("provider_name")
            values["anonymizer_confidence"] = confidence if type(confidence) is int else None
            values["anonymizer_provider"] = provider if isinstance(provider, str) else None
    except _LOOKUP_ERRORS as exc:
        if _ipv6_in_ipv4_database(exc, database, ip):
            return
        logger.warning("GeoIP anonymiser lookup failed: %s", exc)
        for name in ANONYMIZER_FLAGS:
            values[name] = False
        values["anonymizer_confidence"] = values["anonymizer_provider"] = None
        values["anonymous_status"] = "unavailable"


def _ipv6_in_ipv4_database(exc: Exception, database: OpenDatabase, ip: IPAddress) -> bool:
    # An IPv4-only database has no row for any IPv6 address; maxminddb
    # reports that as a ValueError rather than a miss.
    return isinstance(exc, ValueError) and ip.version == 6 and database.ip_version == 4


# ISO 3166-1 alpha-2 is two letters; any other value in a record is dropped
# (so an odd database cannot name a place the rules never see). One dict
# lookup validates and upper-cases at once.
_ALPHA2: dict[object, str] = {
    first + second: (first + second).upper()
    for first in string.ascii_letters
    for second in string.ascii_letters
}


def _subdivision_codes(country: str, subdivisions: Any) -> tuple[str, ...]:
    if len(subdivisions) == 1:  # the common case, answered by one lookup
        key = (country, subdivisions[0].get("iso_code"))
        codes = _SUBDIVISIONS.get(key)
        if codes is None:
            codes = _remember(key, _subdivision_code(*key))
        return codes
    return tuple(code for s in subdivisions for code in _subdivision_codes(country, [s]))


def _remember(key: tuple[str, object], code: str) -> tuple[str, ...]:
    codes = (code,) if code else ()
    if len(_SUBDIVISIONS) < _SUBDIVISION_CACHE_SIZE:
        _SUBDIVISIONS[key] = codes
    return codes


def _subdivision_code(country: str, code: object) -> str:
    # ISO 3166-2 subdivision parts are one to three letters or digits;
    # anything else is dropped ("").
    if isinstance(code, str) and 0 < len(code) <= 3 and code.isascii() and code.isalnum():
        return f"{country}-{code.upper()}"
    return ""


# Composed codes by (country, part): the world has about five thousand, so
# the bound only matters against a database full of junk.
_SUBDIVISION_CACHE_SIZE = 20_000
_SUBDIVISIONS: dict[tuple[str, object], tuple[str, ...]] = {}


_readers_lock = threading.Lock()


@lru_cache(maxsize=8)
def _cached_reader(city_db: str | None, anonymous_db: str | None) -> MaxMindGeoReader:
    return MaxMindGeoReader(city_db, anonymous_db)


def reader_for(
    city_db: str | os.PathLike[str] | None, anonymous_db: str | os.PathLike[str] | None = None
) -> MaxMindGeoReader:
    """The process-wide reader for these paths: databases are mapped once
    per process and shared by every thread."""
    key = (
        None if city_db is None else str(city_db),
        None if anonymous_db is None else str(anonymous_db),
    )
    with _readers_lock:
        return _cached_reader(*key)
