"""The page mapping: what an exception a view lets through is answered with, outside DRF.

``exception_response`` is the one function; ``PageErrorsMiddleware`` calls it for
what a view raises, and the 500 handler (``idverify.views.server_error``) for what
fails in a middleware. It answers

- a database outage: 503 with ``Retry-After`` (``idverify.unavailable``);
- a domain error on an API path (a plain view; DRF views have their own handler):
  the API's JSON, ``idverify.api_errors.domain_error_json``;
- a domain error on a page: ``NotFound`` with the 404 page and ``PermissionDenied``
  with the 403 page, through Django's own handling of ``Http404`` and its
  ``PermissionDenied`` (the ``handler404``/``handler403`` views, its log line, its
  debug page); ``Unavailable`` with the 503 page, its sentence and ``Retry-After``;
  any other (``ValidationFailed``, ``Conflict``...) with a page giving its sentence,
  under its own status.

So a view lets domain errors through. It keeps its own ``try`` only to do more than
this: put a service's error beside a form's field (``idverify.forms.apply_domain_error``),
or flash it and redirect.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from idverify.api_errors import domain_error_json
from idverify.errors import DomainError, NotFound, PermissionDenied, Unavailable
from idverify.middleware import is_api_path
from idverify.unavailable import (
    is_database_unavailable,
    note,
    unavailable_page,
    unavailable_response,
)


def exception_response(request: HttpRequest, exc: BaseException) -> HttpResponse | None:
    """The answer to ``exc``, or None for a bug (Django's 500 handling takes it)."""
    if is_database_unavailable(exc):
        note(exc)
        return unavailable_response(request)
    if not isinstance(exc, DomainError):
        return None
    if is_api_path(request.path):
        return domain_error_json(exc)
    return domain_error_page(request, exc)


def domain_error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    if isinstance(error, NotFound):
        return response_for_exception(request, Http404(error.message))
    if isinstance(error, PermissionDenied):
        return response_for_exception(request, DjangoPermissionDenied(error.message))
    if isinstance(error, Unavailable):
        return unavailable_page(message=error.message)
    context = {"message": error.message}
    return render(request, "idverify/errors/refused.html", context, status=error.status)


class PageErrorsMiddleware:
    """Innermost, so it sees a view's exception before anything else does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return exception_response(request, exception)
