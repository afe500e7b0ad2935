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
guessing fills no memory), at most 4,096 of them, the oldest dropped first
(``idverify.recent_reads``). Each request gets its own ``ApiKey`` and ``User``
instances, built from the kept column values, so nothing a request changes
reaches another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings

from accounts.models import ApiKey, User
from idverify.recent_reads import RecentReads

_KEY_COLUMNS = [field.attname for field in ApiKey._meta.concrete_fields]
_USER_COLUMNS = [field.attname for field in User._meta.concrete_fields]


class _Row(NamedTuple):
    using: str
    key: tuple[Any, ...]
    user: tuple[Any, ...]


held: RecentReads[str, _Row] = RecentReads(
    "accounts.api_keys", lambda: settings.IDV_API_KEY_CACHE_SECONDS
)


def api_key_held(digest: str, load: Callable[[str], ApiKey | None]) -> ApiKey | None:
    """The key with ``digest`` (its ``user`` loaded) from this process's recent reads,
    or from ``load`` (the database), which is then kept for the next requests."""

    def read() -> _Row | None:
        key = load(digest)
        if key is None:
            return None
        return _Row(
            key._state.db or "default",
            tuple(getattr(key, column) for column in _KEY_COLUMNS),
            tuple(getattr(key.user, column) for column in _USER_COLUMNS),
        )

    row = held.get(digest, read)
    return None if row is None else _build(row)


_LAST_USED = _KEY_COLUMNS.index("last_used_at")
_EXPIRES = _KEY_COLUMNS.index("expires_at")


def api_key_noted(digest: str, key: ApiKey) -> None:
    """Note on the held copy that ``key``'s use was just written down (``last_used_at``,
    and an expiry the privileged-key limit brought forward), so the next requests do
    not write it down again. Only those two columns, and an expiry only ever earlier:
    the copy may have been read afresh since ``key`` was (a revocation in between), and
    nothing noted here may undo what that read saw."""

    def note(row: _Row) -> _Row:
        values = list(row.key)
        values[_LAST_USED] = key.last_used_at
        expires = values[_EXPIRES]
        if key.expires_at is not None and (expires is None or key.expires_at < expires):
            values[_EXPIRES] = key.expires_at
        return row._replace(key=tuple(values))

    held.update(digest, note)


def _build(row: _Row) -> ApiKey:
    key = ApiKey.from_db(row.using, _KEY_COLUMNS, list(row.key))
    user = User.from_db(row.using, _USER_COLUMNS, list(row.user))
    ApiKey._meta.get_field("user").set_cached_value(key, user)
    return key
