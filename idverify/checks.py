"""Configuration invariants, as Django system checks with stable ids.

They run at ``manage.py check --deploy``, at start-up of the management
commands and in the test suite, so a misconfigured deployment is caught
before it serves anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from idverify.crypto import parse_key


def _database_vendor() -> str:
    return str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1]


@register(Tags.database)
def check_database_engine(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    if _database_vendor() == "sqlite3" and not settings.QUICKSTART:
        return [
            Error(
                "SQLite is only for the quick start.",
                hint="Set DATABASE_URL to a PostgreSQL database.",
                id="idverify.E001",
            )
        ]
    return []


@register(Tags.security)
def check_key_encryption_keys(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    try:
        parse_key(settings.IDV_KEY_ENCRYPTION_KEY)
    except ValueError as exc:
        errors.append(
            Error(
                f"IDV_KEY_ENCRYPTION_KEY is not usable: {exc}.",
                hint="Generate one with: python -c 'import os,base64;"
                "print(base64.urlsafe_b64encode(os.urandom(32)).decode())'",
                id="idverify.E002",
            )
        )
    for position, key in enumerate(settings.IDV_KEY_ENCRYPTION_KEY_PREVIOUS, start=1):
        try:
            parse_key(key)
        except ValueError as exc:
            errors.append(
                Error(
                    f"Entry {position} of IDV_KEY_ENCRYPTION_KEY_PREVIOUS is not usable: {exc}.",
                    id="idverify.E003",
                )
            )
    return errors


@register(Tags.security)
def check_hosts_and_urls(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if "*" in settings.ALLOWED_HOSTS:
        messages.append(
            Error(
                "ALLOWED_HOSTS must name the hosts; '*' accepts forged Host headers.",
                id="idverify.E004",
            )
        )
    if not settings.ALLOWED_HOSTS:
        messages.append(
            Error("ALLOWED_HOSTS is empty: every request would be refused.", id="idverify.E005")
        )
    parts = urlsplit(settings.IDV_BASE_URL)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        messages.append(
            Error(
                f"IDV_BASE_URL={settings.IDV_BASE_URL!r} is not an absolute http(s) URL.",
                hint="It is the issuer of every token, e.g. https://idverify.example.com",
                id="idverify.E006",
            )
        )
    elif parts.scheme != "https" and not settings.QUICKSTART:
        messages.append(
            Warning(
                "IDV_BASE_URL is not https: tokens, sessions and keys would cross the "
                "network in clear.",
                id="idverify.W001",
            )
        )
    return messages


@register(Tags.security)
def check_secrets_and_debug(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not settings.QUICKSTART and len(settings.SECRET_KEY) < 32:
        messages.append(Error("SECRET_KEY is shorter than 32 characters.", id="idverify.E007"))
    if settings.DEBUG and not settings.QUICKSTART:
        messages.append(
            Warning(
                "DEBUG is on: error pages show code and settings to anyone.",
                hint="Unset DEBUG in production.",
                id="idverify.W002",
            )
        )
    return messages


@register()
def check_task_broker(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    if settings.CELERY_BROKER_URL is None and not settings.QUICKSTART:
        return [
            Warning(
                "CELERY_BROKER_URL is not set: tasks run inside web requests and periodic "
                "tasks (key rotation, audit sealing, document retention) do not run.",
                hint="Run Redis or RabbitMQ, a Celery worker and Celery beat.",
                id="idverify.W003",
            )
        ]
    return []


# Caches that each process keeps to itself: with them every gunicorn worker (and
# every host) would count its own sign-in failures and throttles.
_PER_PROCESS_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


@register(Tags.security, Tags.caches)
def check_shared_cache(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    if settings.QUICKSTART:
        return []
    if settings.CACHES["default"]["BACKEND"] in _PER_PROCESS_CACHES:
        return [
            Error(
                "CACHE_URL is not set: rate limits (wrong passwords, failed API keys, API "
                "throttles) would be counted per process, so each web process would allow "
                "the whole limit again.",
                hint="Set CACHE_URL to a Redis every web process shares, e.g. "
                "redis://redis.internal:6379/1 (or file:///a/directory on a single host).",
                id="idverify.E008",
            )
        ]
    return []
