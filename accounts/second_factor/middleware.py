"""The one enforcement point: a privileged person's session does nothing else until it has
passed a second factor.

Enforcing per person rather than per page means a privileged page added later
is covered without anyone remembering to mark it. Only allauth's own pages
(sign-in and out, password, enrolment, the second-factor prompt) and the public
machine endpoints stay open. Web pages redirect to the page that fixes it; API
calls made with the session get a JSON error with a stable code. Calls with an
API key carry no session and are not judged here (see ``accounts.authentication``).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from accounts.models import User
from accounts.second_factor.policy import Standing, second_factor_standing, standing_error
from idverify.api_errors import domain_error_json
from idverify.browser_middleware import is_machine_request
from idverify.middleware import is_api_path

# allauth is mounted at /accounts/ (idverify/urls.py); it holds every page a person
# needs to sign in, enrol and pass the second factor, and to sign out.
_OPEN_PREFIXES = ("/accounts/", "/.well-known/")
_OPEN_PATHS = frozenset({"/healthz", "/readyz"})


def _is_open(path: str) -> bool:
    static = settings.STATIC_URL or "/static/"
    return path in _OPEN_PATHS or path.startswith((*_OPEN_PREFIXES, static))


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A machine request has no session, so no session's person to hold here.
        user = None if is_machine_request(request) else request.user
        if not isinstance(user, User) or _is_open(request.path):
            return self.get_response(request)
        standing = second_factor_standing(request, user)
        if standing in (Standing.PASSED, Standing.NOT_REQUIRED):
            return self.get_response(request)
        error = standing_error(standing, user)
        if is_api_path(request.path):
            return domain_error_json(error)
        url = str(error.extra["url"])
        if standing is Standing.ENROL:
            messages.warning(
                request,
                "Your role needs a second factor: compliance officers, signing officials "
                "and organisation admins sign in with an authenticator app or a passkey. "
                "Set one up here to go on.",
            )
            return HttpResponseRedirect(url)
        if request.method != "GET":
            # Coming back to a form's target by GET would only answer 405.
            return HttpResponseRedirect(url)
        return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
