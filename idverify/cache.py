"""The shared Redis cache, failing open: a Redis outage degrades limits, never requests.

Everything the service keeps in the cache can be lost without harm to what is
stored: rate-limit and throttle counters, failed-credential counts, the places
rules (re-read from the database), screening similarity memos, allauth's
one-use marks for TOTP codes. So when Redis is down or unreachable, a read
answers "not there", a write is dropped, and the request carries on: tokens
are issued and verified, people sign in. What degrades while it lasts is
stated here and in docs/operations.md:

- rate limits and throttles (API throttles, failed-credential 429s, allauth's
  sign-in limits) do not count, so they let everything through;
- a TOTP code can be used twice within its 30-second step (allauth marks a
  used code in the cache);
- a change to the places rules reaches other nodes when their cached copy
  expires (``geo.selectors``), not at once.

Failing closed instead would turn a cache outage into a full outage of sign-in
and of every API call, for the sake of counters that an attacker gains little
from in a few minutes: every password guess still costs a full password hash
and privileged accounts still need their second factor. Each process logs one
warning when the cache becomes unreachable and repeats it at most every
``WARN_EVERY_SECONDS`` while it stays so.

Waits are bounded: connecting gives up after ``CONNECT_TIMEOUT`` seconds and a
command after ``SOCKET_TIMEOUT``, so a Redis that hangs cannot hold a request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("idverify.cache")

CONNECT_TIMEOUT = 0.5
SOCKET_TIMEOUT = 1.0
WARN_EVERY_SECONDS = 30.0

_OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)
T = TypeVar("T")

_last_warning = 0.0
_warning_lock = threading.Lock()


def _warn(operation: str, error: BaseException) -> None:
    global _last_warning  # noqa: PLW0603 - a per-process throttle on one log line
    now = time.monotonic()
    with _warning_lock:
        if now - _last_warning < WARN_EVERY_SECONDS and _last_warning:
            return
        _last_warning = now
    log.warning(
        "cache unreachable (%s: %s): rate limits are not counted until it returns",
        operation,
        type(error).__name__,
    )


def redis_options() -> dict[str, object]:
    """Connection options bounding every wait on Redis (Django passes them to redis-py)."""
    return {"socket_connect_timeout": CONNECT_TIMEOUT, "socket_timeout": SOCKET_TIMEOUT}


# Add to a counter and, if this made it, set when it lapses: atomic, one round trip.
_COUNT_IN_WINDOW = """
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool.

    Django builds a new ``redis.Redis`` for every cache call, and each copies the
    ~170 response callbacks: on an API request that counted for more than the
    round trip itself. A ``redis.Redis`` is safe to share between threads (each
    command takes a connection from the pool), so one per pool serves them all.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            client = self._clients.setdefault(index, super().get_client(key, write=write))
        return client


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache; an unreachable Redis reads as empty and drops writes."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._window_script: Any = None

    def redis_client(self, full_key: str, *, write: bool = False) -> Any:
        """The redis-py client for ``full_key`` (a key made by ``make_and_validate_key``)."""
        return self._cache.get_client(full_key, write=write)  # type: ignore[attr-defined]

    def count_in_window(self, key: Any, seconds: int, amount: int = 1) -> int | None:
        """Add ``amount`` to ``key``'s counter, which lapses ``seconds`` after its first
        count, and return the new count; None if Redis is down (logged)."""

        def count() -> int:
            full_key = self.make_and_validate_key(key)
            client = self.redis_client(full_key, write=True)
            if self._window_script is None:
                self._window_script = client.register_script(_COUNT_IN_WINDOW)
            return int(self._window_script(keys=[full_key], args=[seconds, amount], client=client))

        return self._open("count_in_window", count, None)

    def _open(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        try:
            return call()
        except _OUTAGE as error:
            _warn(operation, error)
            return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._open(
            "get", lambda: super(FailOpenRedisCache, self).get(key, default, version), default
        )

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        # True, as if the key were new: a counter starts again, nothing is refused.
        return self._open(
            "add", lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version), True
        )

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        self._open(
            "set", lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version), None
        )

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return self._open(
            "touch", lambda: super(FailOpenRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._open(
            "delete", lambda: super(FailOpenRedisCache, self).delete(key, version), False
        )

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._open(
            "get_many", lambda: super(FailOpenRedisCache, self).get_many(keys, version), {}
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._open(
            "has_key", lambda: super(FailOpenRedisCache, self).has_key(key, version), False
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # As if the counter had just been created: nothing is refused for its count.
        return self._open(
            "incr", lambda: super(FailOpenRedisCache, self).incr(key, delta, version), delta
        )

    def set_many(
        self, data: dict[Any, Any], timeout: Any = 300, version: int | None = None
    ) -> list[Any]:
        return self._open(
            "set_many",
            lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version),
            list(data),
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._open(
            "delete_many", lambda: super(FailOpenRedisCache, self).delete_many(keys, version), None
        )

    def clear(self) -> None:
        self._open("clear", lambda: super(FailOpenRedisCache, self).clear(), None)


def counts_atomically() -> bool:
    """Whether ``claim_in_window`` adds atomically across processes: on Redis, yes; the
    file cache's add-then-increment can give two racing processes the same count."""
    return isinstance(caches["default"], FailOpenRedisCache)


def count_in_window(key: str, seconds: int) -> int:
    """Add one to ``key``'s counter in the shared cache and return the new count. The
    counter lapses ``seconds`` after its first count (later counts do not extend it).
    With Redis down, 1: a fresh count, nothing refused (``claim_in_window`` tells).

    With ``claim_in_window``, the one counter behind the API throttles and the
    failed-credential limits: on Redis an atomic script, one round trip; on the quick
    start's file cache (and tests' local memory) an add, then an increment.
    """
    counted = claim_in_window(key, seconds, 1)
    return 1 if counted is None else counted


def claim_in_window(key: str, seconds: int, amount: int) -> int | None:
    """Add ``amount`` to ``key``'s counter, which lapses ``seconds`` after its first
    count, and return the new count; None when the shared cache (Redis) is down."""
    backend = caches["default"]
    if isinstance(backend, FailOpenRedisCache):
        return backend.count_in_window(key, seconds, amount)
    if backend.add(key, amount, timeout=seconds):
        return amount
    try:
        return int(backend.incr(key, amount))
    except ValueError:  # lapsed between the two calls: this count starts it again
        backend.add(key, amount, timeout=seconds)
        return amount
