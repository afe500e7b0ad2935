"""The database failing under a request: a 503 with Retry-After, never a 500 or a hang.

PostgreSQL restarting, failing over, refusing connections (too many, starting
up, shutting down) or cancelling a statement that ran past
``DB_STATEMENT_TIMEOUT`` all reach the code as ``OperationalError`` or
``InterfaceError``. None of them is a fault of the request, and trying again
a few seconds later is the right thing to do, so each is answered ``503
Service Unavailable`` with ``Retry-After``: the API's JSON error shape for
programs, a page for people. How long the wait can be is bounded by the
settings (``DB_CONNECT_TIMEOUT``, ``DB_STATEMENT_TIMEOUT``, TCP keepalives).

The connection that failed is not reused: Django notes the error, and at the
end of the request (``CONN_HEALTH_CHECKS``) closes a connection that no
longer answers; the next request opens a new one, so a node recovers on its
own as soon as the database is back.

At a few thousand requests a second a line per failed request would bury the
logs (and Django logs every 5xx at ERROR): the outage is logged once, then
once a minute, and these responses are marked as logged.
"""

from __future__ import annotations

import logging

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from idverify.degraded import Outage
from idverify.middleware import Handler, is_api_path

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "The database is unavailable right now. Try again in a few seconds."

_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)

outage = Outage(
    "database (DATABASE_URL)",
    consequence=f"requests that need it are answered 503 (Retry-After: {RETRY_AFTER_SECONDS})",
)


def connected(**kwargs: object) -> None:
    """``connection_created``: a new connection worked, so the outage (if any) is over."""
    outage.succeeded()


def is_database_outage(error: BaseException | None) -> bool:
    return isinstance(error, _ERRORS)


def outage_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 for ``error`` (which ``is_database_outage``), for a program or a person."""
    outage.failed(error)
    response: HttpResponse
    if is_api_path(request.path):
        response = JsonResponse({"error": {"code": "unavailable", "message": MESSAGE}}, status=503)
    else:
        # Standalone: the site layout reads the signed-in user, which needs the database.
        response = HttpResponse(_page(), status=503, content_type="text/html; charset=utf-8")
    mark_outage(response)
    return response


_BARE_PAGE = (
    "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Temporarily unavailable"
    "</title></head><body><main><h1>Temporarily unavailable</h1><p>The service cannot reach "
    "its database right now. Wait a few seconds, then reload this page.</p>"
    '<p><a href="/">Go to the home page</a></p></main></body></html>'
)


def _page() -> str:
    try:
        return loader.get_template("idverify/errors/503.html").render(
            {"site_name": settings.IDV_SITE_NAME}
        )
    except Exception:
        # Whatever else is broken (static files not collected, say), still say why.
        log.exception("the 503 page could not be rendered; sending a bare one")
        return _BARE_PAGE


def mark_outage(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged once per interval by ``outage``; Django would log each one at ERROR.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class DatabaseOutageMiddleware:
    """Pages (and plain views): the database failing in a view becomes a 503 page.

    The API's views are DRF's, whose exception handler does the same
    (``idverify.api_errors``); a failure in a middleware reaches ``handler500``,
    which does it too (``idverify.views.server_error``).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_outage(exception):
            return outage_response(request, exception)
        return None
