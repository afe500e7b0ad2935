"""API rate limits as fixed-window counters shared by every process and node.

DRF's ``SimpleRateThrottle`` keeps, per client, the list of every request's
time in the window and reads, filters, pickles and writes it back on each
request: with 6,000 requests a minute allowed, that is a list of up to 6,000
floats per request, and two processes racing lose each other's entries. Here a
client's count for the current window (``now // duration``) is one key: Redis
``INCRBY`` with the expiry set in the same round trip, atomic across every web
process and node sharing ``CACHE_URL``. Other cache backends (the quick
start's files, tests) add the key then increment it.

A busy client is not counted one round trip a request: each process claims
its counts in blocks and hands them out from memory (``accounts.count_leases``:
never more than the limit across all processes; a block's unused counts are
lost when the window ends; limits under 200 a window, ``anon`` and ``auth`` as
shipped, are counted one request at a time, and so is everything on the quick
start's file cache, whose increments are not atomic).

The limits and their names (``DEFAULT_THROTTLE_RATES``: ``user``, ``anon``,
``auth``) are unchanged. A fixed window lets a client that spends its whole
allowance at the end of one window spend it again at the start of the next;
for limits meant to stop abuse, not meter use, that is an accepted trade for
a constant cost. A refused request gets 429 with ``Retry-After`` (the seconds
until the window ends) through the project's exception handler. If the cache
cannot be reached, requests are allowed (logged): rate limiting degrades,
the API does not.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from accounts.count_leases import MAX_BLOCK, CountLeases
from geo.selectors import request_client_ip
from idverify.cache import claim_in_window, counts_atomically

log = logging.getLogger("accounts.throttling")

_DURATIONS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"6000/min"`` -> (6000, 60): requests allowed, window in seconds."""
    count, _, period = rate.partition("/")
    return int(count), _DURATIONS[period.strip()[0]]


def window_count(key: str, window_seconds: int, amount: int = 1) -> int | None:
    """Add ``amount`` to ``key``'s count for this window and return the new count (the
    key outlives its window by a second, for requests that straddle the boundary);
    None when the shared cache is down."""
    return claim_in_window(key, window_seconds + 1, amount)


leases = CountLeases()


class FixedWindowThrottle(BaseThrottle):
    """A fixed-window limit for ``scope``'s rate in ``DEFAULT_THROTTLE_RATES``."""

    scope = ""

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def rate(self, view: Any) -> str | None:
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
        rate = rates.get(self.scope)
        return str(rate) if rate else None

    def ident(self, request: Request, view: Any) -> str | None:
        """Who is counted; None: this throttle does not apply to the request."""
        raise NotImplementedError

    def allow_request(self, request: Request, view: Any) -> bool:
        rate = self.rate(view)
        ident = self.ident(request, view) if rate else None
        if rate is None or ident is None:
            return True
        limit, duration = parse_rate(rate)
        now = time.time()
        window = int(now // duration)
        key = f"throttle:{self.scope}:{ident}:{duration}"
        try:
            count = leases.count(
                key,
                window=window,
                duration=duration,
                now=now,
                limit=limit,
                claim=lambda size: window_count(f"{key}:{window}", duration, size),
                most=MAX_BLOCK if counts_atomically() else 1,
            )
        except Exception as error:  # the shared cache is down: limits degrade, the API does not
            log.warning("rate limit %s not applied, the cache is down: %s", self.scope, error)
            return True
        if count is None or count <= limit:  # None: Redis is down (idverify.cache logs it)
            return True
        self.retry_after = (window + 1) * duration - now
        return False

    def wait(self) -> float | None:
        return None if self.retry_after is None else max(1.0, self.retry_after)


def _client_address(request: Request) -> str:
    # Behind a trusted proxy, the real client; X-Forwarded-For from anyone else is ignored.
    return str(request_client_ip(request) or request.META.get("REMOTE_ADDR") or "unknown")


def _person_or_address(request: Request) -> str:
    user = request.user
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return f"a{_client_address(request)}"


class UserRateThrottle(FixedWindowThrottle):
    """Per person when authenticated, per address otherwise (the ``user`` rate)."""

    scope = "user"

    def ident(self, request: Request, view: Any) -> str | None:
        return _person_or_address(request)


class AnonRateThrottle(FixedWindowThrottle):
    """Per address, for requests without credentials (the ``anon`` rate)."""

    scope = "anon"

    def ident(self, request: Request, view: Any) -> str | None:
        user = request.user
        if user is not None and user.is_authenticated:
            return None
        return _client_address(request)


class ScopedRateThrottle(FixedWindowThrottle):
    """The view's ``throttle_scope`` rate, per person (or address)."""

    def allow_request(self, request: Request, view: Any) -> bool:
        self.scope = getattr(view, "throttle_scope", "") or ""
        if not self.scope:
            return True
        return super().allow_request(request, view)

    def ident(self, request: Request, view: Any) -> str | None:
        return _person_or_address(request)
