"""Reads: the place rules in force, the configured reader, a request's signals."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from time import monotonic

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from geo.addresses import IPAddress, IPNetwork
from geo.client_ip import client_ip, parse_trusted_proxies
from geo.location_signals import GeoSignals
from geo.models import EmbargoedPlace
from geo.places import PlaceRule
from geo.readers import GeoReader, reader_for

PLACE_RULES_CACHE_KEY = "geo:embargoed-place-rules:v1"
# Bounds how long another process serves an edited list when the cache is
# per process (no Redis); with a shared cache a save clears it at once.
PLACE_RULES_CACHE_SECONDS = 60
# Each process also holds the rules it last read for this long, so that a token
# request reads no cache at all (a Redis round trip and an unpickling were 5% of
# its CPU). A save in this process is seen at once; one made in another process
# within this many seconds (plus the shared cache's clearing, above).
PLACE_RULES_LOCAL_SECONDS = 1.0
# (when read, by time.monotonic(); the rules), or None.
_held: tuple[float, tuple[PlaceRule, ...]] | None = None


def embargoed_place_rules() -> tuple[PlaceRule, ...]:
    """The active embargoed places as rules for :func:`geo.places.evaluate`."""
    global _held  # noqa: PLW0603 - one per process, replaced whole (no lock needed)
    held, now = _held, monotonic()
    if held is not None and 0 <= now - held[0] < PLACE_RULES_LOCAL_SECONDS:
        return held[1]
    rules: tuple[PlaceRule, ...] | None = cache.get(PLACE_RULES_CACHE_KEY)
    if rules is None:
        rules = tuple(place.to_rule() for place in EmbargoedPlace.objects.filter(active=True))
        cache.set(PLACE_RULES_CACHE_KEY, rules, PLACE_RULES_CACHE_SECONDS)
    _held = (now, rules)
    return rules


def embargoed_place_rules_forget() -> None:
    """Drop the cached rules, shared and this process's (whenever an ``EmbargoedPlace``
    changes, and before each test)."""
    global _held  # noqa: PLW0603
    _held = None
    cache.delete(PLACE_RULES_CACHE_KEY)


def geo_reader() -> GeoReader:
    """The process-wide reader for the configured databases (the seam)."""
    return reader_for(settings.IDV_GEOIP_CITY_DB, settings.IDV_GEOIP_ANONYMOUS_DB)


def trusted_proxies() -> tuple[IPNetwork, ...]:
    """``IDV_TRUSTED_PROXIES`` parsed (system check ``geo.E001`` rejects bad entries)."""
    return _parse_proxies(tuple(settings.IDV_TRUSTED_PROXIES))


@lru_cache(maxsize=4)
def _parse_proxies(entries: Sequence[str]) -> tuple[IPNetwork, ...]:
    return parse_trusted_proxies(entries)


def local_addresses_allowed() -> bool:
    """Whether loopback/private clients pass (development and the quick start)."""
    return bool(settings.IDV_GEO_ALLOW_LOCAL)


def request_client_ip(request: HttpRequest) -> IPAddress | None:
    """The client's address, believing X-Forwarded-For only from trusted proxies."""
    return client_ip(request.META, trusted_proxies())


def request_signals(request: HttpRequest) -> GeoSignals:
    """Geo signals for the client behind ``request``."""
    return geo_reader().lookup(request_client_ip(request))
