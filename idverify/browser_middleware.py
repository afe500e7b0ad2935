"""The browser's middleware, skipped for machine requests.

Sessions, CSRF, the user from the session, messages and allauth's account
middleware exist for browsers. An API request without a ``Cookie`` header
(every program calling with an API key, a model client, a SCIM token, a
verifier polling, a health probe) has no session to load, no user to find in
one, no messages and nothing for CSRF to protect: every view on those paths is
CSRF-exempt anyway (DRF's ``APIView``; checked in tests), and DRF's
authentication classes identify such a caller by its credentials alone. For
those requests the middleware here (subclasses of Django's, so the admin's checks
still find them) passes straight on; for anything with a cookie, or any page,
it is Django's middleware unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponseBase
from django.middleware import csrf

from idverify.middleware import is_api_path

Answer = HttpResponseBase | Awaitable[HttpResponseBase]


def is_machine_request(request: HttpRequest) -> bool:
    """An API path, no cookie: nothing of a browser's to load or protect."""
    return not request.META.get("HTTP_COOKIE") and is_api_path(request.path_info)


class SessionMiddleware(sessions.SessionMiddleware):
    def __call__(self, request: HttpRequest) -> Answer:
        if is_machine_request(request):
            return self.get_response(request)
        return super().__call__(request)


class AuthenticationMiddleware(auth.AuthenticationMiddleware):
    def __call__(self, request: HttpRequest) -> Answer:
        if is_machine_request(request):
            return self.get_response(request)
        return super().__call__(request)


class MessageMiddleware(messages.MessageMiddleware):
    def __call__(self, request: HttpRequest) -> Answer:
        if is_machine_request(request):
            return self.get_response(request)
        return super().__call__(request)


class CsrfViewMiddleware(csrf.CsrfViewMiddleware):
    def __call__(self, request: HttpRequest) -> Answer:
        if is_machine_request(request):
            return self.get_response(request)
        return super().__call__(request)

    def process_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if is_machine_request(request):
            return None  # every view on these paths is CSRF-exempt anyway
        return super().process_view(request, *args, **kwargs)
