"""Sessions, CSRF, the session's user and messages run for browsers, not for programs.

An API request without a cookie skips them (idverify/browser_middleware.py);
these tests hold the assumptions that makes safe, and show that everything
they protect still is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.models import User
from tests.support.api import assert_api_error
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

MACHINE_PREFIXES = ("api/", "scim/", ".well-known/")


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_view_on_a_machine_path_is_csrf_exempt() -> None:
    # Skipping the CSRF middleware for cookie-less requests changes nothing only
    # because no view there relies on it; a view added without the exemption fails here.
    routes = [
        (path, view)
        for path, view in _routes(get_resolver().url_patterns)
        if path.startswith(MACHINE_PREFIXES) or path in ("healthz", "readyz")
    ]
    assert len(routes) > 20
    assert [path for path, view in routes if not getattr(view, "csrf_exempt", False)] == []


def test_a_program_gets_its_answer_and_no_cookie(
    api_client_for: Callable[[User | None], APIClient], teammate: User
) -> None:
    response = api_client_for(teammate).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == teammate.email
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_without_credentials_the_api_still_says_401() -> None:
    response = APIClient().get("/api/v1/me")
    assert_api_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_browser_session_still_works_on_the_api_and_still_needs_csrf(owner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in_with_second_factor(client, owner)
    assert client.get("/api/v1/me").json()["email"] == owner.email
    response = client.post("/api/v1/api-keys", {"name": "x"}, content_type="application/json")
    assert_api_error(response, 403, "permission_denied")


def test_a_privileged_session_without_its_second_factor_is_still_held(owner: User) -> None:
    client = Client()
    client.force_login(owner)  # an organisation admin, no second factor passed
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mfa_enrolment_required"


def test_pages_still_have_sessions_and_csrf() -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
