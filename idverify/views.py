from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularSwaggerSplitView

from idverify.health import run_checks
from idverify.middleware import CONTENT_SECURITY_POLICY, is_api_path, json_error_response
from idverify.page_errors import exception_response


@csrf_exempt  # GET only; exempt so a stray POST gets 405, not a CSRF page
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@csrf_exempt
@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    ready, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503
    )


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "idverify/home.html")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico by themselves (on JSON pages, for one); pages link
    the SVG, and this sends those browsers to it."""
    response = redirect(static("idverify/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if is_api_path(request.path):
        return json_error_response(status)
    if status == 500:
        # Standalone template: whatever broke may break the site layout too.
        context = {
            "site_name": settings.IDV_SITE_NAME,
            "request_id": getattr(request, "request_id", ""),
        }
        return HttpResponse(loader.get_template(template).render(context), status=500)
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 400, "idverify/errors/400.html")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 403, "idverify/errors/403.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 404, "idverify/errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    # Raised outside a view (a middleware saving the session): a database outage is a
    # 503 and a domain error its page, as from a view (idverify.page_errors).
    exc = sys.exc_info()[1]
    if exc is not None and (response := exception_response(request, exc)) is not None:
        return response
    return _error(request, 500, "idverify/errors/500.html")


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI, served from our own static files (no CDN)."""

    schema = None  # the page itself is not part of the API it documents

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        # Swagger UI's page carries inline styles; allow those here and nowhere else.
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return response
