"""API rate limits as fixed-window counters (accounts/throttling.py).

The limits and the 429 answer are what DRF's throttles gave (JSON error,
``Retry-After``); the count is one cache increment, shared by every process
that shares the cache, and starts again with each window.
"""

from __future__ import annotations

import os
import subprocess
import sys
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


def count_on_redis(settings: Settings) -> None:
    """The production cache, Redis, in this test's own key space."""
    from idverify.cache import redis_options

    settings.CACHES = {
        "default": {
            "BACKEND": "idverify.cache.FailOpenRedisCache",
            "LOCATION": os.environ.get("IDV_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": redis_options(),
        }
    }


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


def test_on_redis_a_busy_persons_requests_are_counted_in_blocks(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    settings: Settings,
    throttle_clock: ThrottleClock,
) -> None:
    from django.core.cache import cache

    count_on_redis(settings)
    limit_users_to(settings, "1000/min")
    client = api_client_for(teammate)
    assert {client.get("/api/v1/me").status_code for _ in range(20)} == {200}
    window = int(throttle_clock.now // 60)
    # Claimed 1, 2, 4, 8, then 10 (1% of the limit): five round trips for twenty requests.
    assert cache.get(f"throttle:user:u{teammate.pk}:60:{window}") == 25


def test_on_redis_the_limit_is_kept_exactly_by_a_process_counting_in_blocks(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    settings: Settings,
    throttle_clock: ThrottleClock,
) -> None:
    count_on_redis(settings)
    limit_users_to(settings, "300/min")  # blocks of up to 3, shrinking to 1 near the end
    client = api_client_for(teammate)
    statuses = [client.get("/api/v1/me").status_code for _ in range(302)]
    assert statuses == [200] * 300 + [429] * 2


def test_creating_api_keys_has_its_own_smaller_limit_per_person(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    stranger: User,
    settings: Settings,
    throttle_clock: ThrottleClock,
) -> None:
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "auth": "3/min"}
    settings.REST_FRAMEWORK = rest
    client = api_client_for(teammate)
    created = [client.post("/api/v1/api-keys", {"name": f"k{n}"}).status_code for n in range(3)]
    assert created == [201, 201, 201]
    assert_api_error(client.post("/api/v1/api-keys", {"name": "k3"}), 429, "throttled")
    assert client.get("/api/v1/me").status_code == 200  # other requests are not counted here
    assert api_client_for(stranger).post("/api/v1/api-keys", {"name": "s"}).status_code == 201
