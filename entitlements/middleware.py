"""The two documents every verifier polls, answered before sessions, CSRF, auth and DRF.

Ten thousand verifiers polling every 5 s are 2,000 requests a second: the
answer is bytes made ready in advance (``entitlements.publication``) with a
strong ETag, ``304`` to a matching ``If-None-Match``, and cache headers a CDN
honours. Nothing below this middleware would add anything: the documents are
public, read no cookie and change no state. Only GET and HEAD are answered
here; a POST to the revocations path (an officer revoking) goes on to its view.
It sits after the request id, access log and security headers middleware, so
these answers are logged and carry the same headers as any other.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from entitlements import publication
from idverify.db_outage import is_database_outage, outage_response
from idverify.errors import DomainError

Handler = Callable[[HttpRequest], HttpResponse]


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
    response = HttpResponse(
        body if request.method == "GET" else b"", content_type=content_type, headers=headers
    )
    response["Content-Length"] = str(len(body))
    return response


def revocations(request: HttpRequest) -> HttpResponse:
    document = publication.revocation_document()
    return answer(
        request,
        body=document.body,
        etag=document.etag,
        content_type="application/jwt",
        cache_control=publication.revocations_cache_control(document),
    )


def jwks(request: HttpRequest) -> HttpResponse:
    keys = publication.key_set()
    return answer(
        request,
        body=keys.body,
        etag=keys.etag,
        content_type="application/json",
        cache_control=publication.jwks_cache_control(),
    )


class PolledDocumentsMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.routes: dict[str, Callable[[HttpRequest], HttpResponse]] = {
            reverse("api-revocations"): revocations,
            reverse("jwks"): jwks,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        route = self.routes.get(request.path_info)
        if route is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            return route(request)
        except DomainError as error:
            response = JsonResponse({"error": error.as_dict()}, status=error.status)
            if error.status == 503:
                response["Retry-After"] = "5"
            return response
        except Exception as error:
            # The database away with no signed copy left to serve (publication serves
            # the one it holds until its exp): a 503 verifiers retry, not a 500.
            if is_database_outage(error):
                return outage_response(request, error)
            raise
