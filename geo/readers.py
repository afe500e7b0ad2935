"""The GeoIP seam: one typed interface and its MaxMind implementation.

Everything else in the project asks :class:`GeoReader` for
:class:`~geo.signals.GeoSignals`; tests either use the real implementation
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
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv6Address
from typing import Any, Protocol

from geo.addresses import IPAddress, is_local, normalize
from geo.mmdb_file import (
    ANONYMOUS_KINDS,
    LOCATION_KINDS,
    DatabaseState,
    OpenDatabase,
    ReloadingDatabase,
)
from geo.signals import ANONYMIZER_FLAGS, AnonymousStatus, GeoSignals

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


def _signals_from(values: dict[str, Any]) -> GeoSignals:
    # The generated __init__ of a frozen dataclass sets each of the twenty
    # fields through object.__setattr__, which alone costs more than the
    # 1.2x budget over a raw lookup (see bench/geo_lookup.py). ``values``
    # always starts as a copy of a real instance's fields (_template), so
    # the result is exactly what the constructor would have built.
    signals: GeoSignals = _new_object(GeoSignals)
    signals.__dict__.update(values)
    return signals


class MaxMindGeoReader:
    """``GeoReader`` over a location database (City, Country or Enterprise)
    and an optional anonymiser database (Anonymous-IP or Anonymous-Plus)."""

    def __init__(
        self,
        city_db: str | os.PathLike[str] | None,
        anonymous_db: str | os.PathLike[str] | None = None,
        *,
        check_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._city = ReloadingDatabase(
            city_db, accepts=LOCATION_KINDS, check_interval=check_interval, clock=clock
        )
        self._anonymous = ReloadingDatabase(
            anonymous_db, accepts=ANONYMOUS_KINDS, check_interval=check_interval, clock=clock
        )
        self._templates: tuple[object, object, dict[str, Any]] = (None, None, {})

    def databases(self) -> GeoDatabases:
        return GeoDatabases(city=self._city.state(), anonymous=self._anonymous.state())

    def lookup(self, ip: IPAddress | None) -> GeoSignals:
        city = self._city.state().database
        anonymous_state = self._anonymous.state()
        anonymous = anonymous_state.database
        values = self._template(city, anonymous, anonymous_state.configured).copy()
        if ip is None:
            return _signals_from(values)
        if isinstance(ip, IPv6Address):
            ip = normalize(ip)
        values["ip"] = ip
        if is_local(ip):
            values["status"] = "local"
            return _signals_from(values)
        if city is None:
            values["status"] = "unavailable"
        else:
            _read_location(city, ip, values)
        if anonymous is not None:
            _read_anonymous(anonymous, ip, values)
        return _signals_from(values)

    def _template(
        self, city: OpenDatabase | None, anonymous: OpenDatabase | None, anonymous_configured: bool
    ) -> dict[str, Any]:
        cached_city, cached_anonymous, template = self._templates
        if cached_city is city and cached_anonymous is anonymous and template:
            return template
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
        template = dict(vars(prototype))
        self._templates = (city, anonymous, template)
        return template


def _read_location(database: OpenDatabase, ip: IPAddress, values: dict[str, Any]) -> None:
    try:
        record: Any = database.reader.get(ip)
        if record is None:
            return  # the template already says "unknown"
        country = _country_code(record.get("country"))
        values["status"] = "found"
        values["country"] = country
        subdivisions = record.get("subdivisions")
        if subdivisions and country is not None:
            values["subdivisions"] = _subdivision_codes(country, subdivisions)
        values["registered_country"] = _country_code(record.get("registered_country"))
        values["represented_country"] = _country_code(record.get("represented_country"))
        traits = record.get("traits")
        if traits:
            asn = traits.get("autonomous_system_number")
            organisation = traits.get("autonomous_system_organization")
            values["asn"] = asn if type(asn) is int else None
            values["asn_org"] = organisation if isinstance(organisation, str) else None
    except _LOOKUP_ERRORS as exc:
        if (
            isinstance(exc, ValueError)
            and ip.version == 6
            and database.reader.metadata().ip_version == 4
        ):
            return  # an IPv4-only database has no row for any IPv6 address
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
        for name in ANONYMIZER_FLAGS:
            if record.get(name) is True:
                values[name] = True
        confidence = record.get("anonymizer_confidence")
        provider = record.get("provider_name")
        if type(confidence) is int:
            values["anonymizer_confidence"] = confidence
        if isinstance(provider, str):
            values["anonymizer_provider"] = provider
        values["anonymous_status"] = "found"
    except _LOOKUP_ERRORS as exc:
        if (
            isinstance(exc, ValueError)
            and ip.version == 6
            and database.reader.metadata().ip_version == 4
        ):
            return
        logger.warning("GeoIP anonymiser lookup failed: %s", exc)
        for name in ANONYMIZER_FLAGS:
            values[name] = False
        values.update(
            anonymizer_confidence=None, anonymizer_provider=None, anonymous_status="unavailable"
        )


def _country_code(place: Any) -> str | None:
    if not place:
        return None
    code = place.get("iso_code")
    if isinstance(code, str) and len(code) == 2 and code.isascii() and code.isalpha():
        return code.upper()
    return None


def _subdivision_codes(country: str, subdivisions: Any) -> tuple[str, ...]:
    codes = []
    for subdivision in subdivisions:
        code = subdivision.get("iso_code")
        if isinstance(code, str) and 0 < len(code) <= 3 and code.isascii() and code.isalnum():
            codes.append(f"{country}-{code.upper()}")
    return tuple(codes)


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
