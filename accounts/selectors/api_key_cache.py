"""The API keys this process verified in the last few seconds, so a busy key costs no query.

Every API request looks its key up by digest (``api_keys.api_key_by_digest``):
a database round trip that was the largest single cost of ``GET /api/v1/me``
and a tenth of a token request. A key in use is asked for many times a second,
so each process keeps the row it read (the key and its person) for
``IDV_API_KEY_CACHE_SECONDS`` (default 5; 0 turns this off) and checks the
copy as it checks a fresh read: revoked, expired, person deactivated.

How soon a change is seen:

- in the process that makes it, at once: saving or deleting an ``ApiKey`` or a
  ``User`` (revocation, deactivation, the admin) empties this process's copies,
  when it happens and again when its transaction commits, so a request that
  read the row just before the commit cannot keep it;
- in every other process and node, within ``IDV_API_KEY_CACHE_SECONDS``, when
  its copy lapses. A token issued before a revocation outlives that anyway
  (``IDV_TOKEN_LIFETIME_SECONDS``); a key's revocation never revoked its tokens.

Only keys that exist are kept (an unknown digest is asked for every time, so
guessing fills no memory), at most ``CAPACITY`` of them, the oldest dropped
first. Each request gets its own ``ApiKey`` and ``User`` instances, built from
the stored column values, so nothing a request changes reaches another.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction

from accounts.models import ApiKey, User

CAPACITY = 4096

_KEY_COLUMNS = [field.attname for field in ApiKey._meta.concrete_fields]
_USER_COLUMNS = [field.attname for field in User._meta.concrete_fields]


class _Held(NamedTuple):
    lapses_at: float  # on ``clock``
    using: str
    key: list[Any]
    user: list[Any]


_held: dict[str, _Held] = {}
_lock = threading.Lock()
# Counts every forgetting: a read that began before one is not kept.
_generation = 0
# A monotonic clock (the seam tests move).
clock: Callable[[], float] = time.monotonic


def api_key_held(digest: str, load: Callable[[str], ApiKey | None]) -> ApiKey | None:
    """The key with ``digest`` (its ``user`` loaded) from this process's recent reads,
    or from ``load`` (the database), which is then kept for the next requests."""
    seconds = settings.IDV_API_KEY_CACHE_SECONDS
    if seconds <= 0:
        return load(digest)
    now = clock()
    held = _held.get(digest)
    if held is not None and held.lapses_at > now:
        return _build(held)
    generation = _generation
    key = load(digest)
    if key is None:
        _held.pop(digest, None)
        return None
    row = _Held(
        now + seconds,
        key._state.db or "default",
        [getattr(key, column) for column in _KEY_COLUMNS],
        [getattr(key.user, column) for column in _USER_COLUMNS],
    )
    with _lock:
        if generation == _generation:  # nothing changed while it was read
            if len(_held) >= CAPACITY and digest not in _held:
                _held.pop(next(iter(_held)))
            _held[digest] = row
    return key


_LAST_USED = _KEY_COLUMNS.index("last_used_at")
_EXPIRES = _KEY_COLUMNS.index("expires_at")


def api_key_noted(digest: str, key: ApiKey) -> None:
    """Note on the held copy that ``key``'s use was just written down (``last_used_at``,
    and an expiry the privileged-key limit brought forward), so the next requests do
    not write it down again. Only those two columns, and an expiry only ever earlier:
    the copy may have been read afresh since ``key`` was (a revocation in between), and
    nothing noted here may undo what that read saw."""
    with _lock:
        held = _held.get(digest)
        if held is None:
            return
        values = list(held.key)
        values[_LAST_USED] = key.last_used_at
        expires = values[_EXPIRES]
        if key.expires_at is not None and (expires is None or key.expires_at < expires):
            values[_EXPIRES] = key.expires_at
        _held[digest] = held._replace(key=values)


def _build(held: _Held) -> ApiKey:
    key = ApiKey.from_db(held.using, _KEY_COLUMNS, list(held.key))
    user = User.from_db(held.using, _USER_COLUMNS, list(held.user))
    ApiKey._meta.get_field("user").set_cached_value(key, user)
    return key


def api_keys_forget() -> None:
    """Drop every key this process holds (a key or a person changed; before each test)."""
    global _generation  # noqa: PLW0603 - this process's copies, one lock
    with _lock:
        _generation += 1
        _held.clear()


def forget_on_change(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_save``/``post_delete`` receiver for ``ApiKey`` and ``User``: forget now, and
    again once the change commits (a read between the two saw the old row)."""
    api_keys_forget()
    transaction.on_commit(api_keys_forget, using=using)
