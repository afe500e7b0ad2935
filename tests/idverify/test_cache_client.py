"""The shared Redis cache's own parts (idverify/cache.py): one redis-py client per pool,
and the fixed-window count the API throttles use, against a real Redis."""

from __future__ import annotations

import logging
import uuid

import pytest

from idverify.cache import FailOpenRedisCache
from tests.support.nodes import private_redis


def _cache(url: str) -> FailOpenRedisCache:
    return FailOpenRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 0.5}})


def test_one_client_serves_every_call_to_the_same_pool() -> None:
    with private_redis() as redis:
        cache = _cache(redis.url)
        client = cache.redis_client("a", write=True)
        assert cache.redis_client("b", write=True) is client
        cache.set("k", "v")
        assert cache.get("k") == "v"
        assert cache.redis_client("c", write=True) is client


def test_a_window_counts_up_and_lapses_from_its_first_count() -> None:
    with private_redis() as redis:
        cache = _cache(redis.url)
        key = f"window-{uuid.uuid4().hex}"
        assert [cache.count_in_window(key, 61) for _ in range(3)] == [1, 2, 3]
        client = cache.redis_client(key, write=True)
        full_key = cache.make_and_validate_key(key)
        ttl = client.ttl(full_key)
        assert 0 < ttl <= 61
        # Later counts do not push the end of the window back.
        client.expire(full_key, 5)
        assert cache.count_in_window(key, 61) == 4
        assert client.ttl(full_key) <= 5
        # Another process sharing Redis counts in the same window.
        assert _cache(redis.url).count_in_window(key, 61) == 5


def test_with_redis_gone_a_count_says_so_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with private_redis() as redis:
        cache = _cache(redis.url)
        assert cache.count_in_window("gone", 60) == 1
        redis.kill()
        with caplog.at_level(logging.WARNING, logger="idverify.cache"):
            # Nothing counted: the callers allow the request (a limit degrades, the
            # API does not), and a throttle keeps no block it did not claim.
            assert cache.count_in_window("gone", 60) is None
            assert cache.count_in_window("gone", 60, 8) is None
    assert "cache unreachable (count_in_window" in caplog.text
