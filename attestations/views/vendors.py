"""The vendor path's pages: start a verification, and the vendor's webhook."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.selectors.users import request_user
from accounts.views.common import error_text
from attestations import vendors
from attestations.services.vendors import vendor_verification_start, vendor_webhook_receive
from idverify.api_errors import domain_error_json
from idverify.errors import DomainError

logger = logging.getLogger(__name__)


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@login_required
@require_POST
def vendor_start_view(request: HttpRequest, vendor: str) -> HttpResponse:
    """Create a session at the vendor, server-side, and send the person there."""
    provider = vendors.provider(vendor)
    status_page = reverse("verification-status")
    if provider is None:
        messages.error(request, "This verification is not offered here.")
        return redirect(status_page)
    base = str(getattr(settings, "IDV_BASE_URL", "") or "")
    return_url = base + status_page if base else request.build_absolute_uri(status_page)
    try:
        _, url = vendor_verification_start(
            user=request_user(request), provider=provider, return_url=return_url
        )
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect(status_page)
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@csrf_exempt
@require_POST
def vendor_webhook_view(request: HttpRequest, vendor: str) -> HttpResponse:
    """The vendor says a session changed: authenticate, then ask the vendor's API."""
    provider = vendors.provider(vendor)
    if provider is None:
        return _error(404, "vendor.not_configured", "This vendor is not configured here.")
    try:
        event = provider.parse_webhook(body=request.body, headers=request.headers)
    except vendors.BadSignature as error:
        logger.warning("vendor %s webhook refused: bad signature (%s)", vendor, error)
        return _error(
            400,
            "webhook.bad_signature",
            "The signature header does not verify with this endpoint's signing secret.",
        )
    except vendors.BadEvent as error:
        logger.warning("vendor %s webhook refused: %s", vendor, error)
        return _error(400, "webhook.bad_event", str(error))
    try:
        result = vendor_webhook_receive(provider=provider, event=event)
    except vendors.VendorError as error:
        # Not recorded: the vendor retries the event later.
        return domain_error_json(error)
    return JsonResponse({"received": True, "result": result})
