"""Which version of each polled document is current, so no web process serves an old one.

Verifiers poll the revocation document every few seconds and the key set now
and then; each web process keeps the signed bytes it serves in memory. To know
they are still current without asking the database on every request, each
document has a counter in the shared cache (``CACHE_URL``) that the change
bumps once its transaction has committed: a process serves its bytes while the
counter still reads what it read before it loaded them (read at most every
``CHECK_SECONDS``, so the cache sees one read per process, not one per request).
The counter only says "something changed"; the content always comes from the
database, so a late or lost bump cannot make anyone serve an older document.

A change is also counted in its own process at once (before commit), so the
process that made it reads its own writes. When the shared cache cannot be
read, the version is unknown (``None``) and callers go to the database.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from idverify.degraded import Outage

REVOCATIONS = "revocations"
KEYS = "keys"
_NAMES = (REVOCATIONS, KEYS)

outage = Outage(
    "shared cache (CACHE_URL)",
    consequence="the polled documents are checked against the database on every request",
)

# How long a process goes by the shared counter it read last. One cache read per
# process in this time, whatever the request rate, for at most this much delay.
CHECK_SECONDS = 0.5

_counters = {name: itertools.count(1) for name in _NAMES}
_local = dict.fromkeys(_NAMES, 0)
_seen: dict[str, tuple[int | None, float]] = {}


def _key(name: str) -> str:
    return f"idv:published:{name}"


@dataclass(frozen=True)
class Version:
    """What the shared counter and this process's own counter read at one moment."""

    shared: int | None
    local: int

    def same_as(self, other: Version) -> bool:
        return self.shared is not None and self == other


def current(name: str) -> Version:
    """The counters now; the shared one as read at most ``CHECK_SECONDS`` ago."""
    local = _local[name]
    now = time.monotonic()
    seen = _seen.get(name)
    if seen is not None and now - seen[1] < CHECK_SECONDS:
        return Version(seen[0], local)
    try:
        value = cache.get(_key(name))
    except Exception as error:  # any failure of the cache: unknown, ask the database
        outage.failed(error)
        value = None
    else:
        outage.succeeded()
    shared = value if isinstance(value, int) else None
    _seen[name] = (shared, now)
    return Version(shared, local)


def begin(name: str) -> None:
    """Make sure the shared counter exists (after a cache flush, or on first use).

    It starts at a random value, so a counter that vanished and was made again
    never reads what a process remembers from before.
    """
    _seen.pop(name, None)
    try:
        cache.add(_key(name), secrets.randbits(62), timeout=None)
    except Exception as error:
        outage.failed(error)


def changed(name: str) -> None:
    """Called inside the transaction that changes ``name``'s content."""
    _local[name] = next(_counters[name])
    transaction.on_commit(lambda: _bump(name))


def _bump(name: str) -> None:
    _seen.pop(name, None)
    try:
        try:
            cache.incr(_key(name))
        except ValueError:  # no counter yet: any new value tells readers to look again
            cache.set(_key(name), secrets.randbits(62), timeout=None)
    except Exception as error:
        # Readers find out from the database instead: near expiry for the revocation
        # document, on their periodic recheck for the key set.
        outage.failed(error)
