"""Request id, access log, security headers, the request size cap, and the API error-shape
safety net."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from http import HTTPStatus
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from idverify.logging import request_id_var
from idverify.redaction import redact_request_path

access_log = logging.getLogger("idverify.access")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

Handler = Callable[[HttpRequest], HttpResponse]


def is_api_path(path: str) -> bool:
    """Paths whose callers are programs: they always get JSON, never an HTML page."""
    return path.startswith(("/api/", "/.well-known/", "/scim/")) or path in ("/healthz", "/readyz")


class RequestIdMiddleware:
    """Tag every request with an id (the caller's, if sane) and log one access line."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": redact_request_path(request),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class SecurityHeadersMiddleware:
    """Headers Django 5.2 does not set itself: CSP and a restrictive Permissions-Policy."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is over ``IDV_MAX_REQUEST_BYTES`` before
    anything reads it.

    The upload views refuse files over their own limits with a message by the field,
    but Django's CSRF check reads ``request.POST`` first, which spools a multipart
    body of any size to disk. This cap, well above every upload limit, keeps that
    from being used to fill the disk. It sits after the session and authentication
    middleware (neither reads the body; the CSRF check reads it only once the view
    is chosen, after every middleware has passed the request on), so a person gets
    the site's own page, with their header, not a bare text.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        limit: int = settings.IDV_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= limit:
            return self.get_response(request)
        if is_api_path(request.path):
            message = (
                f"The request is {length / 1_048_576:.1f} MB; at most "
                f"{limit / 1_048_576:.1f} MB is accepted in one request."
            )
            return JsonResponse(
                {"error": {"code": "request_too_large", "message": message}}, status=413
            )
        context = {
            "size_mb": f"{length / 1_048_576:.1f}",
            "limit_mb": f"{limit / 1_048_576:.1f}",
            "back": _same_site_referer(request),
        }
        return render(request, "idverify/errors/413.html", context, status=413)


def _same_site_referer(request: HttpRequest) -> str:
    """The page the upload came from, when it is on this site (a path only)."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc and referer.netloc != request.get_host():
        return ""
    path = referer.path
    return path if path.startswith("/") and not path.startswith("//") else ""


class ApiErrorShapeMiddleware:
    """Guarantee the JSON error shape on API paths for errors raised outside DRF.

    DRF's exception handler covers API views; this catches what Django answers
    itself (unknown URL, method not allowed on a plain view, CSRF failure,
    oversized body) so no program ever receives an HTML error page.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api_path(request.path):
            return response
        content_type = response.get("Content-Type", "")
        if content_type.startswith(
            ("application/json", "application/problem", "application/scim+json")
        ):
            return response
        return json_error_response(response.status_code, headers=response)


_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
    503: "unavailable",
}


def json_error_response(status: int, *, headers: HttpResponse | None = None) -> JsonResponse:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    code = _CODES.get(status, "error")
    message = {
        404: "No such endpoint. See /api/v1/docs/ for the API.",
        405: "This method is not allowed here.",
        500: "Something went wrong on our side. The error has been logged; try again later.",
    }.get(status, f"{phrase}.")
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    if headers is not None:
        for name in ("Allow", "Retry-After", "X-Request-ID"):
            if name in headers:
                response[name] = headers[name]
    return response
