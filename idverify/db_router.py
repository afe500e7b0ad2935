"""An optional read replica (``DATABASE_REPLICA_URL``) for the read-only paths.

Reads go to the replica only inside ``replica_reads()``, which ``ReplicaReadsMiddleware``
opens for GET and HEAD requests to the paths in ``REPLICA_READ_PATHS`` (the JWKS,
the revocation document, the status page and the compliance console's pages).
Everything else, and in particular token issuance, revocation decisions and API
key lookups, reads the primary. Even on those paths:

- state that authorises (accounts, sessions, sign-in and MFA records, SCIM and
  OAuth clients, model clients: ``PRIMARY_ONLY_APPS``/``PRIMARY_ONLY_MODELS``)
  is read from the primary, so a role withdrawn a moment ago is never honoured;
- read your writes: a request that writes reads the primary from then on, and
  the browser (session) that sent a write reads the primary for ``REPLICA_PIN_SECONDS``
  afterwards (cookie ``idv_primary_until``; forging it can only send reads to the
  primary), which covers replication lag;
- a replica that cannot be reached is skipped for ``REPLICA_RETRY_SECONDS``, with
  a warning in the log; reads fall back to the primary.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
REPLICA_READ_PATHS = (
    "/.well-known/jwks.json",
    "/.well-known/idverify",
    "/api/v1/revocations",
    "/status/",
    "/console/",
)
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "auth",
        "sessions",
        "account",
        "mfa",
        "socialaccount",
        "usersessions",
        "oauth2_provider",
        "scim",
    }
)
PRIMARY_ONLY_MODELS = frozenset({"entitlements.modelclient"})
REPLICA_PIN_SECONDS = 10
REPLICA_RETRY_SECONDS = 5.0
PIN_COOKIE = "idv_primary_until"

# None: reads go to the primary. Otherwise a dict the request shares: "wrote".
_reads: ContextVar[dict[str, bool] | None] = ContextVar("idv_replica_reads", default=None)
_down_until = 0.0
_down_lock = threading.Lock()


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads() -> Iterator[dict[str, bool]]:
    """Let reads of replica-safe models go to the replica (if configured) in this block."""
    state = {"wrote": False}
    token = _reads.set(state)
    try:
        yield state
    finally:
        _reads.reset(token)


def _replica_reachable() -> bool:
    global _down_until  # noqa: PLW0603 - one process-wide back-off
    if time.monotonic() < _down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as exc:
        with _down_lock:
            _down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.warning(
            "database replica unreachable, reading from the primary for %.0f s: %s",
            REPLICA_RETRY_SECONDS,
            exc.__class__.__name__,
        )
        return False
    return True


def _replica_safe(model: type[Model]) -> bool:
    meta = model._meta
    return meta.app_label not in PRIMARY_ONLY_APPS and meta.label_lower not in PRIMARY_ONLY_MODELS


class ReplicaRouter:
    """Django database router: see the module's docstring."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        state = _reads.get()
        if state is None or state["wrote"] or not replica_configured():
            return PRIMARY
        if not _replica_safe(model) or not _replica_reachable():
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        state = _reads.get()
        if state is not None:
            state["wrote"] = True  # read your writes: the primary from now on
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        return True  # one database, two copies

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == PRIMARY


def _pinned(request: HttpRequest) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaReadsMiddleware:
    """Opens ``replica_reads`` for read-only requests to ``REPLICA_READ_PATHS``, and pins
    a browser to the primary for a while after it sent a write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        readable = (
            request.method in ("GET", "HEAD")
            and request.path.startswith(REPLICA_READ_PATHS)
            and not _pinned(request)
        )
        if readable:
            with replica_reads():
                return self.get_response(request)
        response = self.get_response(request)
        browser = settings.SESSION_COOKIE_NAME in request.COOKIES
        if browser and request.method not in ("GET", "HEAD", "OPTIONS"):
            until = time.time() + REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{until:.0f}",
                max_age=REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
