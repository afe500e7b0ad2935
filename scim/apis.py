"""The SCIM 2.0 endpoint, ``/scim/v2/…``: one Django view around scim2-server's handler.

The view authenticates the organisation's token, caps the body, takes out the
RFC attributes we do not keep (``scim.protocol.quirks``), and hands the request
to scim2-server over the organisation's storage. Every answer is SCIM JSON,
errors included (``urn:ietf:params:scim:api:messages:2.0:Error`` with
``scimType``); an unexpected exception is logged and answered 500 in the same
shape, never with an HTML page.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from scim2_models import Error, PayloadTooLargeException, SCIMException
from scim2_server.handler import ScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.responses import SCIM_MEDIA_TYPE, ScimResponse

from scim.authentication import TooManyFailures, authenticate
from scim.protocol import quirks
from scim.protocol.provider import service
from scim.protocol.storage import OrganizationStorage

logger = logging.getLogger(__name__)


def _response(response: ScimResponse) -> HttpResponse:
    body = b"" if response.body is None else json.dumps(response.body).encode()
    http = HttpResponse(
        body,
        status=int(response.status),
        content_type=SCIM_MEDIA_TYPE if response.body is not None else None,
    )
    for name, value in response.headers.items():
        http[name] = value
    http["Cache-Control"] = "no-store"
    return http


def _error(exception: Exception) -> HttpResponse:
    if isinstance(exception, TooManyFailures):
        error = Error(status=429, detail=str(exception.detail))
        response = _response(ScimResponse(HTTPStatus.TOO_MANY_REQUESTS, error.model_dump()))
        response["Retry-After"] = str(exception.wait)
        return response
    if not isinstance(exception, SCIMException):
        logger.error("SCIM request failed", exc_info=exception)
    return _response(service().error_response(exception))


def _scim_request(request: HttpRequest, path: str, body: bytes) -> ScimRequest:
    return ScimRequest(
        method=request.method or "GET",
        base_url=request.build_absolute_uri("/scim/v2").rstrip("/"),
        path=path,
        query={key: request.GET.get(key, "") for key in request.GET},
        headers=dict(request.headers),
        body=body,
    )


def _body(request: HttpRequest) -> bytes:
    limit: int = settings.IDV_SCIM_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise PayloadTooLargeException(detail=f"A SCIM request body may be at most {limit} bytes.")
    body = request.body
    if len(body) > limit:
        raise PayloadTooLargeException(detail=f"A SCIM request body may be at most {limit} bytes.")
    return body


@csrf_exempt
def scim_endpoint(request: HttpRequest, path: str = "") -> HttpResponse:
    path = "/" + path.strip("/")
    try:
        token = authenticate(request)
        body = _body(request)
        method = (request.method or "GET").upper()
        if method in ("POST", "PUT", "PATCH") and path.lower().startswith("/users"):
            stripped = quirks.user_body(body, patch=method == "PATCH")
            if stripped is None:
                # Only attributes we do not keep: nothing changes; answer with the user.
                method, stripped = "GET", b""
            body = stripped
        elif method == "PATCH" and path.lower().startswith("/groups"):
            body = quirks.group_body(body)
        scim_request = _scim_request(request, path, body)
        scim_request.method = method
        handler = ScimHandler(service(), OrganizationStorage(token))
        return _response(handler.handle(scim_request))
    except Exception as exception:  # every failure answers in SCIM's shape
        return _error(exception)
