"""Counts a process claims from a shared counter in blocks and hands out from memory.

A rate limit's count for a client and window is one counter every process and
node shares (``idverify.cache.claim_in_window``). Asking it once a request
costs a round trip each time; here a process claims a block of count numbers
with one addition and hands them out to the requests it serves. Every number
belongs to the one process that claimed it, so across all processes no more
than the limit is ever allowed in a window.

How big a block is: the first claim for a client in a window is one count and
each next one twice the last, up to ``most`` (``MAX_BLOCK``, or 1 where the
counter is not atomic), to 1% of the limit, and to a sixteenth of what this
process last saw left of it. So limits under 200 a window are counted one
request at a time, and blocks shrink to one as the count nears the limit.

While one thread claims a client's next block, the client's other requests in
this process claim one count each, for themselves, and the block is kept
whole. What a block costs is only the counts left in it when the window ends
(or when the lease is dropped to make room, ``CAPACITY``; a block claimed
meanwhile is kept): at most a block per
process per client and window, lost to the client. Once a process has seen a
window's allowance spent, it refuses until the window ends without asking.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

# A block is at most this many counts, and at most 1% of the limit.
MAX_BLOCK = 64
# Near the limit a block is at most a sixteenth of what this process last saw left.
TAPER = 16
# Leases kept; beyond it, first those of windows that have ended, then the oldest.
CAPACITY = 4096
# Looking for ended windows when full: at most once a second.
SWEEP_SECONDS = 1.0

# Adds its argument to the window's shared counter and returns the new total, or None
# when the counter cannot be reached.
Claim = Callable[[int], int | None]


@dataclass
class _Lease:
    ends_at: float  # when its window ends
    next: int = 1  # the next count number to hand out
    end: int = 0  # the last count number held
    size: int = 0  # how many the last block took
    claiming: bool = False  # a thread is claiming the next block


class CountLeases:
    """The blocks of count numbers this process holds, per client and window."""

    def __init__(self) -> None:
        self._leases: dict[tuple[str, int], _Lease] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def count(
        self,
        client: str,
        *,
        window: int,
        duration: int,
        now: float,
        limit: int,
        claim: Claim,
        most: int = MAX_BLOCK,
    ) -> int | None:
        """This request's count number in ``client``'s ``window`` (``duration`` seconds
        long, ``now`` in it): from the block held, or from what ``claim`` adds to the
        window's shared counter. None: the counter cannot be reached (nothing counted)."""
        key = (client, window)
        with self._lock:
            lease = self._leases.pop(key, None)
            if lease is None:
                self._make_room(now)
                lease = _Lease((window + 1) * duration)
            self._leases[key] = lease  # most recently used last
            if lease.next <= lease.end:
                lease.next += 1
                return lease.next - 1
            if lease.end >= limit:  # spent: every later claim would be past it too
                return lease.end + 1
            mine = not lease.claiming
            size = 1
            if mine and lease.size:
                size = max(1, min(2 * lease.size, most, limit // 100, (limit - lease.end) // TAPER))
            lease.claiming = True  # by this thread, or already by another
        end = None
        try:
            end = claim(size)
        finally:
            if mine:
                with self._lock:
                    lease.claiming = False
                    if end is not None:
                        lease.next, lease.end, lease.size = end - size + 2, end, size
                        if key not in self._leases:  # dropped to make room meanwhile
                            self._make_room(now)
                            self._leases[key] = lease
        return None if end is None else end - size + 1

    def _make_room(self, now: float) -> None:
        """Room for one more lease: drop those of ended windows, else the least recently
        used (lock held)."""
        if len(self._leases) < CAPACITY:
            return
        # At most once a second (or at once if the clock was set back).
        if now >= self._next_sweep or self._next_sweep - now > SWEEP_SECONDS:
            self._next_sweep = now + SWEEP_SECONDS
            for key in [key for key, lease in self._leases.items() if lease.ends_at <= now]:
                del self._leases[key]
        if len(self._leases) >= CAPACITY:
            del self._leases[next(iter(self._leases))]

    def forget(self) -> None:
        with self._lock:
            self._leases.clear()
