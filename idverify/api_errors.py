"""The API's one error mapping: every API error gets the same JSON shape.

``{"error": {"code": str, "message": str, "fields"?: {name: [str]}}}``, and for a
refused token (``EntitlementDenied``) its ``"reasons"`` beside the error.
``exception_handler`` is DRF's; ``domain_error_json`` answers a domain error met
outside DRF (a middleware, a plain view on an API path) with the same body.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from idverify.errors import DomainError, EntitlementDenied
from idverify.unavailable import RETRY_AFTER_SECONDS, is_database_unavailable, note
from idverify.unavailable import error_body as unavailable_body

logger = logging.getLogger(__name__)

# DRF's own exceptions, by class, to our stable codes.
_DRF_CODES: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ValidationError, "invalid"),
    (exceptions.ParseError, "malformed_request"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [msg for value in detail.values() for msg in _flatten(value)]
    if isinstance(detail, list):
        return [msg for item in detail for msg in _flatten(item)]
    return [str(detail)]


def _fields(detail: Any) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {"non_field_errors": _flatten(detail)}
    return {str(name): _flatten(value) for name, value in detail.items()}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def domain_error_body(error: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {"error": error.as_dict()}
    if isinstance(error, EntitlementDenied):
        body["reasons"] = error.reasons
    return body


def domain_error_json(error: DomainError) -> JsonResponse:
    """A domain error's answer where DRF does not render it."""
    return JsonResponse(domain_error_body(error), status=error.status)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if is_database_unavailable(exc):
        # The database is down or restarting: try again shortly (idverify.unavailable).
        note(exc)
        return Response(
            unavailable_body(), status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )
    if isinstance(exc, DomainError):
        if not isinstance(exc, EntitlementDenied):
            # A refusal is raised after its decision and audit events are written: keep them.
            set_rollback()
        return Response(domain_error_body(exc), status=exc.status)
    return _handled(exc, context)


def _handled(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        # Unexpected: let Django log it and answer 500; the middleware shapes the body.
        return None

    set_rollback()
    code = next((c for cls, c in _DRF_CODES if isinstance(exc, cls)), "error")
    headers: dict[str, str] = {}
    body: dict[str, Any]
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            code, "Some of the values given are not valid.", fields=_fields(exc.detail)
        )
    elif isinstance(exc, exceptions.Throttled):
        raw_wait = getattr(exc, "wait", None)
        wait = int(raw_wait) if raw_wait is not None else None
        message = "Too many requests."
        if wait is not None:
            message += f" Try again in {wait} seconds."
            headers["Retry-After"] = str(wait)
        body = error_body(code, message, retry_after=wait)
    else:
        body = error_body(code, " ".join(_flatten(exc.detail)))
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        auth_header = getattr(exc, "auth_header", None) or 'Bearer realm="api"'
        headers["WWW-Authenticate"] = auth_header
        status_code: int = status.HTTP_401_UNAUTHORIZED
    else:
        status_code = exc.status_code
    if isinstance(exc, exceptions.MethodNotAllowed):
        view = context.get("view")
        if view is not None:
            headers["Allow"] = ", ".join(view.allowed_methods)
    return Response(body, status=status_code, headers=headers)
