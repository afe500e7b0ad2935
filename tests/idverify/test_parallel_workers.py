"""What each pytest-xdist worker gets of its own (tests/support/workers.py), and the
browser tests' narrow exemption from Django's async guard (tests/support/browser.py)."""

from __future__ import annotations

import os

import pytest

from tests.support.browser import orm_beside_a_running_loop
from tests.support.workers import per_worker_environment, redis_url_for

SHARED = {
    "CACHE_URL": "file:///srv/idv/var/test-cache",
    "IDV_TEST_REDIS_URL": "redis://127.0.0.1:6379/12",
    "IDV_VAR_DIR": "/srv/idv/var/test",
    "DATABASE_URL": "sqlite:////srv/idv/var/test-sqlite.sqlite3",
}


def test_two_workers_share_no_cache_redis_database_var_directory_or_sqlite_file() -> None:
    first = per_worker_environment(SHARED, "gw0")
    second = per_worker_environment(SHARED, "gw1")
    assert first == {
        "CACHE_URL": "file:///srv/idv/var/test-cache-gw0",
        "IDV_TEST_REDIS_URL": "redis://127.0.0.1:6379/12",
        "IDV_VAR_DIR": "/srv/idv/var/test-gw0",
        "DATABASE_URL": "sqlite:////srv/idv/var/test-sqlite-gw0.sqlite3",
    }
    assert second["IDV_TEST_REDIS_URL"] == "redis://127.0.0.1:6379/13"
    assert not set(first.values()) & set(second.values())


def test_a_shared_redis_cache_and_a_postgres_database_are_left_alone() -> None:
    # A Redis CACHE_URL is shared on purpose (tests of counting across processes use
    # their own keys); PostgreSQL test databases get pytest-django's _gwN suffix.
    environ = {"CACHE_URL": "redis://127.0.0.1:6379/3", "DATABASE_URL": "postgres://p@h/idv"}
    assert per_worker_environment(environ, "gw1") == {}


def test_redis_urls_keep_their_options_and_refuse_a_database_redis_does_not_have() -> None:
    assert redis_url_for("redis://:pw@h:6379/2?socket_timeout=3", 2) == (
        "redis://:pw@h:6379/4?socket_timeout=3"
    )
    assert redis_url_for("redis://h:6379", 1) == "redis://h:6379/1"
    with pytest.raises(ValueError, match="leaves no Redis database for worker 2"):
        redis_url_for("redis://h:6379/14", 2)


def test_the_orm_exemption_lasts_only_while_a_browser_is_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    with orm_beside_a_running_loop():
        assert os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] == "true"
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "false")
    with orm_beside_a_running_loop():
        pass
    assert os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] == "false"


def test_outside_browser_tests_django_keeps_its_async_guard() -> None:
    # conftest.py used to set this for the whole run; only the browser fixture may now.
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") is None
