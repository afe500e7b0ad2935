"""CACHE_URL: the cache every web process counts its rate limits in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from idverify.settings.security import _cache

ROOT = Path(__file__).resolve().parents[2]


def _settings_process(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "IDV_QUICKSTART")}
    return subprocess.run(  # noqa: S603 - the code is the test's own
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


_PRINT_CACHE = (
    "from django.conf import settings; c = settings.CACHES['default'];"
    " print(c['BACKEND'].rsplit('.', 1)[-1], c.get('LOCATION'))"
)


def test_cache_url_names_redis_or_a_directory_and_the_quick_start_uses_var(
    tmp_path: Path,
) -> None:
    # Each form read by the settings' own function (a process per form would only
    # repeat Django's start-up); the quick start's default, which depends on how the
    # process starts, in a process of its own.
    redis = _cache("redis://cache.internal:6379/1")
    assert (redis["BACKEND"], redis["LOCATION"]) == (
        "idverify.cache.FailOpenRedisCache",
        "redis://cache.internal:6379/1",
    )
    files = _cache(f"file://{tmp_path}/counts")
    assert files["LOCATION"] == f"{tmp_path}/counts"
    assert str(files["BACKEND"]).endswith(".FileBasedCache")
    quick = _settings_process(
        _PRINT_CACHE,
        IDV_QUICKSTART="1",
        IDV_VAR_DIR=str(tmp_path),
        DATABASE_URL="",
    )
    assert quick.stdout.strip() == f"FileBasedCache {tmp_path}/cache", quick.stderr


def test_an_unusable_cache_url_stops_start_up_with_the_forms_it_takes() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "idverify.settings",
            "CACHE_URL": "memcached://cache:11211",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "CACHE_URL must be redis://" in result.stderr, result.stderr
    for url in ("file://relative/dir", "cache.internal:6379", "file://host/abs/dir"):
        with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be redis://"):
            _cache(url)


def test_without_cache_url_the_deployment_check_refuses_to_go_on() -> None:
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "CACHE_URL"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert check.returncode != 0
    assert "idverify.E008" in check.stderr


def test_database_waits_are_bounded_and_an_options_string_in_the_url_is_kept() -> None:
    code = (
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS'];"
        " print(o['connect_timeout'], '|', o['options'])"
    )
    bounded = _settings_process(
        code,
        CACHE_URL="redis://cache.internal:6379/1",
        DATABASE_URL="postgres://u@db.internal:5432/idv?options=-c%20search_path%3Dapp",
        DB_CONNECT_TIMEOUT="3",
        DB_STATEMENT_TIMEOUT="2500",
    )
    assert bounded.stdout.strip() == ("3 | -c search_path=app -c statement_timeout=2500"), (
        bounded.stderr
    )
