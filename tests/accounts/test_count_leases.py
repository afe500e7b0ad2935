"""A process claims a client's counts in blocks and hands them out from memory
(accounts/count_leases.py): never a number twice, never past the limit, few round trips."""

from __future__ import annotations

import threading
import time

import pytest

from accounts import count_leases
from accounts.count_leases import CAPACITY, MAX_BLOCK, CountLeases

LIMIT = 6000
WINDOW, DURATION = 7, 60
NOW = WINDOW * DURATION + 1.0


class SharedCounter:
    """The counter every process claims from, as Redis keeps it; ``down`` makes it
    unreachable, ``delay`` slows each claim (a round trip)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.total = 0
        self.claims: list[int] = []
        self.down = False
        self.delay = delay
        self._lock = threading.Lock()

    def claim(self, size: int) -> int | None:
        if self.down:
            return None
        with self._lock:
            self.claims.append(size)
            self.total += size
            total = self.total
        time.sleep(self.delay)
        return total


def _count(
    leases: CountLeases,
    counter: SharedCounter,
    *,
    limit: int = LIMIT,
    client: str = "u1",
    window: int = WINDOW,
    most: int = MAX_BLOCK,
) -> int | None:
    now = NOW + (window - WINDOW) * DURATION
    return leases.count(
        client,
        window=window,
        duration=DURATION,
        now=now,
        limit=limit,
        claim=counter.claim,
        most=most,
    )


def test_a_busy_clients_counts_are_claimed_in_blocks_never_past_the_limit() -> None:
    counter = SharedCounter()
    processes = [CountLeases() for _ in range(4)]
    numbers = [_count(processes[n % 4], counter) for n in range(LIMIT + 500)]
    allowed = [n for n in numbers if n is not None and n <= LIMIT]
    assert len(set(allowed)) == len(allowed)  # each number handed out once
    # At most the limit, short of it by no more than the blocks still held.
    assert LIMIT - 4 * MAX_BLOCK < len(allowed) <= LIMIT
    # Far fewer round trips than requests: the blocks grew, to 1% of the limit at most.
    assert len(counter.claims) < (LIMIT + 500) / 20
    assert counter.claims[:4] == [1, 1, 1, 1]  # each process's first claim is one count
    # Each next claim twice the last, to 1% of the limit.
    assert counter.claims[:28:4] == [1, 2, 4, 8, 16, 32, 60]
    assert counter.claims[-1] == 1  # near the limit the blocks shrink again, to one


def test_threads_claiming_at_once_lose_no_counts_and_share_no_number() -> None:
    # Each claim takes a millisecond: while one thread claims the next block, the
    # others count one each for themselves, and the block is not overwritten.
    counter = SharedCounter(delay=0.001)
    leases = CountLeases()
    numbers: list[int | None] = []
    lock = threading.Lock()

    def burst() -> None:
        got = _count(leases, counter)
        with lock:
            numbers.append(got)

    while not any(n is not None and n > LIMIT for n in numbers[-8:]):
        threads = [threading.Thread(target=burst) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    allowed = [n for n in numbers if n is not None and n <= LIMIT]
    assert len(set(allowed)) == len(allowed)
    assert len(allowed) >= LIMIT - MAX_BLOCK  # at most the block still held is unused
    assert len(counter.claims) < LIMIT / 5


def test_small_limits_and_a_counter_that_is_not_atomic_count_one_at_a_time() -> None:
    counter = SharedCounter()
    leases = CountLeases()
    numbers = [_count(leases, counter, limit=199) for _ in range(250)]
    assert counter.claims[:199] == [1] * 199
    assert numbers[:199] == list(range(1, 200))
    one_by_one = SharedCounter()
    unatomic = CountLeases()
    for _ in range(50):
        _count(unatomic, one_by_one, most=1)
    assert one_by_one.claims == [1] * 50


def test_a_spent_window_is_refused_without_asking_and_the_next_window_starts_anew() -> None:
    counter = SharedCounter()
    leases = CountLeases()
    assert [_count(leases, counter, limit=3) for _ in range(4)] == [1, 2, 3, 4]  # 4: refused
    claims = len(counter.claims)
    assert all((_count(leases, counter, limit=3) or 0) > 3 for _ in range(10))
    assert len(counter.claims) == claims  # the spent window is known here
    counter.total = 0  # the next window's key starts at nothing
    assert _count(leases, counter, limit=3, window=WINDOW + 1) == 1


def test_with_the_counter_down_nothing_is_counted_and_nothing_made_up_is_kept() -> None:
    counter = SharedCounter()
    leases = CountLeases()
    for _ in range(100):  # the blocks have grown
        _count(leases, counter)
    counter.down = True
    outage = [_count(leases, counter) for _ in range(200)]
    # What this process held is handed out; then nothing can be counted: allowed.
    assert outage[0] == 101
    assert outage[-1] is None
    counter.down = False
    counter.total = LIMIT  # other nodes spent the window meanwhile
    after = [_count(leases, counter) for _ in range(5)]
    assert all(n is not None and n > LIMIT for n in after)  # refused, as the counter says
    claims = len(counter.claims)
    assert all((_count(leases, counter) or 0) > LIMIT for _ in range(5))
    assert len(counter.claims) == claims  # known spent: no claim left half-made


def test_a_claim_that_fails_leaves_the_next_one_to_grow_the_block() -> None:
    counter = SharedCounter()
    leases = CountLeases()
    for _ in range(15):  # blocks of 1, 2, 4 and 8, used up
        _count(leases, counter)

    def fails(size: int) -> int | None:
        raise ConnectionError("the counter went away")

    with pytest.raises(ConnectionError):
        leases.count("u1", window=WINDOW, duration=DURATION, now=NOW, limit=LIMIT, claim=fails)
    _count(leases, counter)
    assert counter.claims == [1, 2, 4, 8, 16]


def test_room_is_made_by_dropping_the_least_recently_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(count_leases, "CAPACITY", 3)
    counter = SharedCounter()
    leases = CountLeases()
    # "a" claims blocks of 1, 2 and 4 and holds two counts of the last; it is used last.
    for client in ("a", "a", "a", "a", "b", "c", "a"):
        _count(leases, counter, client=client)
    _count(leases, counter, client="d")  # no window has ended: "b" goes
    claims = len(counter.claims)
    _count(leases, counter, client="a")
    assert len(counter.claims) == claims  # "a" kept its block
    _count(leases, counter, client="b")
    assert len(counter.claims) == claims + 1  # "b" had to claim again


def test_room_is_made_from_ended_windows_first() -> None:
    counter = SharedCounter()
    leases = CountLeases()
    for _ in range(2):  # a block of 1, then one of 2: count 3 is still held
        _count(leases, counter, client="busy", window=WINDOW + 1)
    for n in range(CAPACITY - 1):  # full, with leases of a window that has ended
        _count(leases, counter, client=f"old{n}")
    _count(leases, counter, client="new", window=WINDOW + 1)
    claims = len(counter.claims)
    assert _count(leases, counter, client="busy", window=WINDOW + 1) == 3
    assert len(counter.claims) == claims  # from the block still held
