"""API rate limits as fixed-window counters (accounts/throttling.py).

The limits and the 429 answer are what DRF's throttles gave (JSON error,
``Retry-After``); the count is one cache increment, shared by every process
that shares the cache, and starts again with each window.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts import throttling
from accounts.models import User
from tests.support.api import assert_api_error
from tests.support.clock import ThrottleClock

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def limit_users_to(settings: Settings, rate: str) -> None:
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "user": rate}
    settings.REST_FRAMEWORK = rest  # DRF reloads its settings on the change


def test_the_limit_reached_is_a_429_with_retry_after(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    settings: Settings,
    throttle_clock: ThrottleClock,
) -> None:
    limit_users_to(settings, "3/min")
    client = api_client_for(teammate)
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    throttle_clock.now += 20
    response = client.get("/api/v1/me")
    error = assert_api_error(response, 429, "throttled")
    assert int(response["Retry-After"]) == 39  # the seconds left in the window
    assert error["retry_after"] == 39


def test_the_count_starts_again_with_the_next_window(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    settings: Settings,
    throttle_clock: ThrottleClock,
) -> None:
    limit_users_to(settings, "2/min")
    client = api_client_for(teammate)
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 429]
    throttle_clock.now += 60
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 429]


def test_each_person_has_their_own_count(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    owner: User,
    settings: Settings,
    throttle_clock: ThrottleClock,
) -> None:
    limit_users_to(settings, "1/min")
    assert api_client_for(teammate).get("/api/v1/me").status_code == 200
    assert api_client_for(teammate).get("/api/v1/me").status_code == 429
    assert api_client_for(owner).get("/api/v1/me").status_code == 200


def test_anonymous_callers_are_counted_by_address_not_by_what_they_claim(
    settings: Settings, throttle_clock: ThrottleClock
) -> None:
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "anon": "2/min"}
    settings.REST_FRAMEWORK = rest
    statuses = [
        # An untrusted X-Forwarded-For changes nothing: the same client each time.
        Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").get("/api/v1/tiers").status_code
        for n in range(3)
    ]
    assert statuses[-1] == 429


def test_the_counter_is_one_key_per_window(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    settings: Settings,
    throttle_clock: ThrottleClock,
) -> None:
    from django.core.cache import cache

    limit_users_to(settings, "199/min")  # under 200 a window: counted one by one
    api_client_for(teammate).get("/api/v1/me")
    api_client_for(teammate).get("/api/v1/me")
    window = int(throttle_clock.now // 60)
    assert cache.get(f"throttle:user:u{teammate.pk}:60:{window}") == 2


_COUNT = """
from accounts.throttling import window_count
print(" ".join(str(window_count({key!r}, 60)) for _ in range(3)))
"""


def _count_in_a_new_process(key: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - the code is the test's own
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", _COUNT.format(key=key)],
        cwd=ROOT,
        env={**env, "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_two_processes_sharing_redis_count_together(settings: Settings) -> None:
    redis_url = os.environ.get("IDV_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    env = {**os.environ, "CACHE_URL": redis_url}
    key = f"test-{uuid.uuid4().hex}"
    assert _count_in_a_new_process(key, env) == "1 2 3"
    assert _count_in_a_new_process(key, env) == "4 5 6"
    # And it expires with its window (plus a second), set in the same round trip.
    import redis

    client: Any = redis.Redis.from_url(redis_url)
    ttls = [client.ttl(name) for name in client.keys(f"*{key}")]
    assert len(ttls) == 1
    assert 0 < ttls[0] <= 61


def test_with_the_cache_down_requests_are_allowed(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limit_users_to(settings, "1/min")

    def down(key: str, window_seconds: int, amount: int = 1) -> int:
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(throttling, "window_count", down)
    client = api_client_for(teammate)
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]


class SharedCounter:
    """The shared counter the processes claim from, counting the claims."""

    def __init__(self) -> None:
        self.total = 0
        self.claims: list[int] = []

    def claim(self, size: int) -> int:
        self.claims.append(size)
        self.total += size
        return self.total


def test_a_busy_clients_counts_are_claimed_in_blocks_never_past_the_limit() -> None:
    counter = SharedCounter()
    processes = [throttling.CountLeases() for _ in range(4)]
    limit = 6000
    numbers = [processes[n % 4].count("u1", 7, limit, counter.claim) for n in range(limit + 500)]
    allowed = [number for number in numbers if number <= limit]
    # Each count number is handed out once, whichever process holds it.
    assert len(set(allowed)) == len(allowed)
    # At most the limit, and short of it by no more than the blocks still held.
    assert limit - 4 * throttling.MAX_BLOCK < len(allowed) <= limit
    # Far fewer round trips than requests: the blocks grew, to 1% of the limit at most.
    assert len(counter.claims) < (limit + 500) / 20
    assert counter.claims[:4] == [1, 1, 1, 1]  # each process's first claim is one count
    assert max(counter.claims) == 60
    # Near the limit the blocks shrink again, to one.
    assert counter.claims[-1] == 1


def test_threads_of_one_process_never_share_a_count_number() -> None:
    counter = SharedCounter()
    lock = threading.Lock()
    leases = throttling.CountLeases()
    numbers: list[int] = []

    def claim(size: int) -> int:
        with lock:
            return counter.claim(size)

    def send() -> None:
        mine = [leases.count("u1", 7, 6000, claim) for _ in range(1000)]
        with lock:
            numbers.extend(mine)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    allowed = [number for number in numbers if number <= 6000]
    assert len(set(allowed)) == len(allowed)
    assert 6000 - 8 * throttling.MAX_BLOCK < len(allowed) <= 6000


def test_small_limits_are_counted_one_request_at_a_time() -> None:
    counter = SharedCounter()
    leases = throttling.CountLeases()
    numbers = [leases.count("a1", 7, 199, counter.claim) for _ in range(250)]
    assert counter.claims[:199] == [1] * 199
    assert numbers[:199] == list(range(1, 200))


def test_a_spent_window_is_refused_without_asking_again_and_the_next_starts_anew() -> None:
    counter = SharedCounter()
    leases = throttling.CountLeases()
    for _ in range(3):
        leases.count("u1", 7, 3, counter.claim)
    assert leases.count("u1", 7, 3, counter.claim) == 4  # refused, having asked
    claims = len(counter.claims)
    assert all(leases.count("u1", 7, 3, counter.claim) > 3 for _ in range(10))
    assert len(counter.claims) == claims  # the spent window is known here
    counter.total = 0  # the next window's key starts at nothing
    assert leases.count("u1", 8, 3, counter.claim) == 1


def test_a_block_is_claimed_as_one_addition_to_the_shared_counter() -> None:
    from idverify.cache import FailOpenRedisCache, redis_options

    redis_url = os.environ.get("IDV_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    shared = FailOpenRedisCache(redis_url, {"OPTIONS": redis_options()})
    key = f"test-{uuid.uuid4().hex}"
    assert shared.count_in_window(key, 61, 5) == 5
    assert shared.count_in_window(key, 61, 1) == 6
    import redis

    client: Any = redis.Redis.from_url(redis_url)
    assert 0 < client.ttl(client.keys(f"*{key}")[0]) <= 61  # a first claim of five set it
