"""The two documents every verifier polls, answered before sessions, CSRF, auth and DRF.

Ten thousand verifiers polling every 5 s are 2,000 requests a second: the
answer is bytes made ready in advance (``entitlements.publication``), a strong
ETag, ``304`` to a matching ``If-None-Match``, and cache headers a CDN honours.
Nothing below this middleware would add anything: the documents are public,
read no cookie and change no state. Only GET and HEAD with an ``Accept`` the
views can answer are served here; a POST to the revocations path (an officer
revoking), OPTIONS, or an unacceptable ``Accept`` (406) go on to the views,
which answer with the same bytes and headers. It sits after the request id,
access log and security headers middleware, so these answers are logged and
carry the same headers as any other.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from entitlements import publication
from idverify.api_errors import domain_error_json
from idverify.errors import DomainError

Handler = Callable[[HttpRequest], HttpResponse]

JWT = "application/jwt"
JSON = "application/json"


def etag_matches(header: str, etag: str) -> bool:
    """RFC 9110 If-None-Match: weak comparison, any of a list, or ``*``."""
    if not header:
        return False
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in header.split(","))


def answer(
    request: HttpRequest, *, body: bytes, etag: str, content_type: str, cache_control: str
) -> HttpResponse:
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if etag_matches(request.META.get("HTTP_IF_NONE_MATCH", ""), etag):
        return HttpResponse(status=304, headers=headers)
    # Answered above CommonMiddleware, which would otherwise add it: without it a
    # keep-alive client gets the body chunked.
    headers["Content-Length"] = str(len(body))
    return HttpResponse(body, content_type=content_type, headers=headers)


def revocations_response(request: HttpRequest) -> HttpResponse:
    document = publication.revocation_document()
    return answer(
        request,
        body=document.body,
        etag=document.etag,
        content_type=JWT,
        cache_control=publication.revocations_cache_control(document),
    )


def jwks_response(request: HttpRequest) -> HttpResponse:
    keys = publication.key_set()
    return answer(
        request,
        body=keys.body,
        etag=keys.etag,
        content_type=JSON,
        cache_control=publication.jwks_cache_control(),
    )


def _acceptable(accept: str, offered: tuple[str, ...]) -> bool:
    """Whether the view's content negotiation would pick one of ``offered`` (else: 406)."""
    if not accept:
        return True
    for part in accept.split(","):
        media = part.split(";", 1)[0].strip().lower()
        if media in offered or media in ("*/*", "application/*"):
            return True
    return False


class PolledDocumentsMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.routes: dict[str, tuple[Callable[[HttpRequest], HttpResponse], tuple[str, ...]]] = {
            reverse("api-revocations"): (revocations_response, (JWT, JSON)),
            reverse("jwks"): (jwks_response, (JSON,)),
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        route = self.routes.get(request.path_info)
        if (
            route is None
            or request.method not in ("GET", "HEAD")
            or not _acceptable(request.META.get("HTTP_ACCEPT", ""), route[1])
        ):
            return self.get_response(request)
        try:
            return route[0](request)
        except DomainError as error:
            response = domain_error_json(error)
            if error.status == 503:
                # Signing takes about a second; verifiers poll again that soon.
                response["Retry-After"] = "1"
            return response
