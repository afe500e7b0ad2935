"""What this process read from the database in the last few seconds, kept for the next requests.

An API caller asks for the same few rows many times a second (its key, its
person, its memberships): a ``RecentReads`` keeps each value it was given for
``seconds()`` (a setting, read on each call; 0 turns keeping off) and answers
from it until it lapses. What keeps the copies honest:

- ``forget()`` drops every copy; its owner calls it from ``post_save`` and
  ``post_delete`` receivers (``forget_on_change``), when the change happens and
  again when its transaction commits, so a request that read the row just
  before the commit cannot keep it;
- a read that began before a ``forget()`` is not kept (a generation counter);
- values are kept as given: a holder keeps immutable values (tuples, column
  lists it rebuilds instances from), never a model instance a request could
  change;
- only values that exist are kept (``None`` is asked for every time, so
  guessing fills no memory), at most ``capacity`` of them, the oldest dropped
  first.

Other processes and nodes see a change when their copy lapses: each holder's
module says what that bound means for what it keeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, NamedTuple, TypeVar

from django.db import transaction

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# A monotonic clock (the seam tests move).
clock: Callable[[], float] = time.monotonic
# Every holder made, for ``forget_all``.
_holders: list[RecentReads[Any, Any]] = []


class _Kept(NamedTuple, Generic[V]):
    lapses_at: float  # on ``clock``
    value: V


class RecentReads(Generic[K, V]):
    def __init__(self, name: str, seconds: Callable[[], float], capacity: int = 4096) -> None:
        self.name = name  # what is kept, in the receivers' dispatch ids
        self.seconds = seconds
        self.capacity = capacity
        self._kept: dict[K, _Kept[V]] = {}
        self._lock = threading.Lock()
        self._generation = 0  # counts every forgetting
        _holders.append(self)

    def get(self, key: K, load: Callable[[], V | None]) -> V | None:
        """``key``'s value as read in the last ``seconds()``, or ``load()``'s, then kept."""
        seconds = self.seconds()
        if seconds <= 0:
            return load()
        now = clock()
        kept = self._kept.get(key)
        if kept is not None and kept.lapses_at > now:
            return kept.value
        generation = self._generation
        value = load()
        with self._lock:
            if value is None:
                self._kept.pop(key, None)
            elif generation == self._generation:  # nothing changed while it was read
                if len(self._kept) >= self.capacity and key not in self._kept:
                    self._kept.pop(next(iter(self._kept)))
                self._kept[key] = _Kept(now + seconds, value)
        return value

    def update(self, key: K, change: Callable[[V], V]) -> None:
        """Replace ``key``'s kept value (if any) with ``change(value)``, keeping its lapse."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept[key] = kept._replace(value=change(kept.value))

    def kept(self) -> list[K]:
        """What is kept, oldest first (lapsed copies included until they are read again)."""
        with self._lock:
            return list(self._kept)

    def forget(self) -> None:
        """Drop every copy; a read in flight is not kept."""
        with self._lock:
            self._generation += 1
            self._kept.clear()

    def forget_on_change(self, sender: Any, using: str = "default", **kwargs: Any) -> None:
        """A ``post_save``/``post_delete`` receiver: forget now, and again once the change
        commits (a read between the two saw the old row)."""
        self.forget()
        transaction.on_commit(self.forget, using=using)


def forget_all() -> None:
    """Empty every holder in this process (before each test)."""
    for holder in _holders:
        holder.forget()
