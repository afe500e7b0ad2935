# ruff: noqa: S603, T201 - runs the command it is given; its report is its output
"""Run by tests/idverify/test_read_replica.py in a process of its own, whose
DATABASE_URL and DATABASE_REPLICA_URL name a real primary and its streaming
replica. Prints one JSON object: which database each step's queries went to."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "idverify.settings"
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from entitlements import publication  # noqa: E402
from entitlements.models import ModelTier, SigningKey  # noqa: E402
from entitlements.services.keys import signing_keys_rotate  # noqa: E402
from idverify.db_router import PIN_COOKIE, replica_reads  # noqa: E402

warnings: list[str] = []


class _Collect(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        warnings.append(record.getMessage())


logging.getLogger("idverify.db_router").addHandler(_Collect(level=logging.WARNING))


@contextmanager
def queries() -> Iterator[Counter[str]]:
    """Statements sent to each database alias inside the block."""
    counts: Counter[str] = Counter()

    def spy(alias: str) -> Callable[..., Any]:
        def wrapper(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
            counts[alias] += 1
            return execute(sql, *rest)

        return wrapper

    with (
        connections["default"].execute_wrapper(spy("default")),
        connections["replica"].execute_wrapper(spy("replica")),
    ):
        yield counts


def caught_up() -> None:
    """Wait until the replica has replayed everything the primary has written."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    for _ in range(100):
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    raise SystemExit("the replica did not catch up in 10 s")


def main() -> None:
    result: dict[str, Any] = {}
    call_command("migrate", verbosity=0)
    signing_keys_rotate()
    caught_up()
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        result["replica_in_recovery"] = cursor.fetchone()[0]

    client = Client()
    publication.forget_cached()
    with queries() as counts:
        response = client.get("/.well-known/jwks.json")
    result["jwks"] = {"status": response.status_code, **counts}
    result["jwks_keys"] = len(response.json()["keys"])

    with queries() as counts:
        response = client.get("/healthz")
    result["healthz"] = {"status": response.status_code, **counts}

    # Inside a read path: authorising state from the primary, the rest from the
    # replica until the request writes, then the primary (read your writes).
    with queries() as counts, replica_reads():
        User.objects.count()
        result["auth_read"] = dict(counts)
        counts.clear()
        before = ModelTier.objects.count()
        result["plain_read"] = dict(counts)
        counts.clear()
        ModelTier.objects.create(slug="fresh", name="Fresh")
        after = ModelTier.objects.filter(slug="fresh").count()
        result["after_write"] = dict(counts)
        result["read_your_write"] = [before, after]

    # A browser that has just written reads the primary for a while.
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = "probe"
    response = browser.post("/.well-known/jwks.json")
    result["pin_cookie_set"] = PIN_COOKIE in response.cookies
    publication.forget_cached()
    with queries() as counts:
        browser.get("/.well-known/jwks.json")
    result["pinned_jwks"] = dict(counts)
    api = Client()
    response = api.post("/.well-known/jwks.json")
    result["api_client_pin_cookie"] = PIN_COOKIE in response.cookies

    # The replica goes away: reads fall back to the primary, and it is logged.
    subprocess.run(sys.argv[1:], check=True, capture_output=True)  # stops the replica
    connections["replica"].close()
    publication.forget_cached()
    with queries() as counts:
        response = client.get("/.well-known/jwks.json")
    result["replica_down"] = {"status": response.status_code, **counts}
    result["replica_down_keys"] = len(response.json()["keys"])
    result["warnings"] = warnings
    result["signing_keys"] = SigningKey.objects.count()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
