"""Liveness and readiness.

``/healthz`` answers as long as the process serves requests. ``/readyz`` runs
every registered readiness check (apps register theirs in ``AppConfig.ready``)
and answers 503 naming the check that failed, so a load balancer stops
sending traffic and an operator knows why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class CheckResult:
    status: Status
    message: str
    details: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status, "message": self.message, **self.details}


Check = Callable[[], CheckResult]
_checks: dict[str, Check] = {}


def readiness_check(name: str) -> Callable[[Check], Check]:
    """Register a readiness check under ``name`` (idempotent on re-import)."""

    def register(func: Check) -> Check:
        _checks[name] = func
        return func

    return register


def registered_checks() -> dict[str, Check]:
    return dict(_checks)


def run_checks() -> tuple[bool, dict[str, dict[str, object]]]:
    results: dict[str, dict[str, object]] = {}
    ready = True
    for name, check in _checks.items():
        try:
            result = check()
        except Exception:
            # A check that crashes is a failed check, never a 500 from /readyz.
            logger.exception("readiness check crashed", extra={"check": name})
            result = CheckResult("fail", "The check itself failed; see the logs.")
        results[name] = result.as_dict()
        ready = ready and result.status != "fail"
    return ready, results


_migrations_verified = False


@readiness_check("database")
def check_database() -> CheckResult:
    global _migrations_verified  # noqa: PLW0603 - a per-process memo of a slow check
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrations_verified:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if pending:
                return CheckResult(
                    "fail",
                    f"{len(pending)} database migrations are not applied; run `manage.py migrate`.",
                )
            _migrations_verified = True
    except DatabaseError as exc:
        return CheckResult("fail", f"The database is unreachable: {exc.__class__.__name__}.")
    return CheckResult("ok", "The database answers and its schema is current.")
