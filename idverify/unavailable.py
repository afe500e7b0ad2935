"""A database that is down, restarting or stuck: a 503 with ``Retry-After``, never a 500.

While PostgreSQL restarts, every query fails with ``OperationalError`` (refused
or terminated connection, "the database system is starting up") or
``InterfaceError`` (a connection already closed under Django). Neither is a
bug in the service: the caller should simply try again shortly. So they are
answered ``503 Service Unavailable`` with ``Retry-After``: JSON
``{"error": {"code": "service.unavailable", ...}}`` on API paths, a short page
elsewhere. Waits are bounded by ``DB_CONNECT_TIMEOUT`` and
``DB_STATEMENT_TIMEOUT`` (settings/base.py).

Django discards the broken connection by itself at the end of the request
(``close_old_connections`` on ``request_finished`` closes a connection that
had errors and no longer answers), so each kept connection fails at most one
request after the database returns (a 503 like the others) and the next gets a
fresh connection: nodes recover without a restart. ``DB_CONN_HEALTH_CHECKS=1``
spares even that one request, for a round trip on every request.

Two places map the errors, so none escapes as a 500: the DRF exception
handler (``idverify.api_errors``) and, for everything else,
``idverify.page_errors.exception_response``: its middleware calls it for plain
views, the 500 handler (``idverify.views.server_error``) for what fails in a
middleware (a session saved after the view, say).
"""

from __future__ import annotations

import logging
from typing import Any

from django import db
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

log = logging.getLogger("idverify.unavailable")

# What callers are told to wait: a PostgreSQL restart takes a few seconds.
RETRY_AFTER_SECONDS = 5
CODE = "service.unavailable"
MESSAGE = (
    "The service cannot reach its database for a moment. "
    f"Try again in {RETRY_AFTER_SECONDS} seconds."
)


def _database_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [db.OperationalError, db.InterfaceError]
    try:
        import psycopg
    except ImportError:  # SQLite-only installs
        return tuple(errors)
    # The token path's own statements may surface the driver's errors unwrapped.
    return (*errors, psycopg.OperationalError, psycopg.InterfaceError)


DATABASE_ERRORS = _database_errors()


def is_database_unavailable(exc: BaseException | None) -> bool:
    return exc is not None and isinstance(exc, DATABASE_ERRORS)


def note(exc: BaseException) -> None:
    """One warning line, no traceback: an outage would otherwise flood the error log."""
    log.warning(
        "database unavailable, answered 503: %s: %s",
        type(exc).__name__,
        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
    )


def error_body() -> dict[str, Any]:
    return {"error": {"code": CODE, "message": MESSAGE, "retry_after": RETRY_AFTER_SECONDS}}


def unavailable_response(request: HttpRequest) -> HttpResponse:
    from idverify.middleware import is_api_path

    if not is_api_path(request.path):
        return unavailable_page()
    response = JsonResponse(error_body(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def unavailable_page(*, message: str = "") -> HttpResponse:
    """The 503 page; ``message`` says what is missing when it is not the database."""
    from django.conf import settings

    # Standalone template, no query: the database may be what is missing.
    template = loader.get_template("idverify/errors/503.html")
    context = {
        "retry_after": RETRY_AFTER_SECONDS,
        "site_name": settings.IDV_SITE_NAME,
        "message": message,
    }
    response = HttpResponse(template.render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
