"""A domain error a web view lets through gets the page for its kind (idverify.page_errors).

NotFound is the site's 404 page and PermissionDenied its 403 page, exactly as Django's own
Http404 and PermissionDenied; Unavailable is the 503 page with Retry-After and the error's
sentence; any other kind a page with its sentence under its own status. A plain view on an
API path gets the API's JSON instead. A form still shows a service's error beside its field.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from tests.entitlements.support import tier
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

raising_urls = pytest.mark.urls("tests.idverify.page_error_urls")


def _as(user: User, **options: Any) -> Client:
    # Client re-raises any exception that reached Django's 500 handling: none may.
    client = Client(**options)
    client.force_login(user)
    return client


def _page(response: Any) -> str:
    """The page without its per-response CSRF token (the sign-out form carries one)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@raising_urls
def test_not_found_is_the_same_404_page_as_an_address_that_does_not_exist(
    stranger: User,
) -> None:
    client = _as(stranger)
    response = client.get("/raises/not-found/")
    assert response.status_code == 404
    assert _page(response) == _page(client.get("/no-such-page/"))
    assert "Page not found" in _page(response)


@raising_urls
@pytest.mark.parametrize("kind", ["permission-denied", "self-approval"])
def test_permission_denied_is_the_403_page_logged_as_django_logs_its_own(
    kind: str, stranger: User, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = _as(stranger).get(f"/raises/{kind}/")
    assert response.status_code == 403
    html = _page(response)
    assert "<h1>Not allowed</h1>" in html
    assert "You are signed in as stranger@example.com" in html
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == f"Forbidden (Permission denied): /raises/{kind}/"


@raising_urls
def test_unavailable_is_the_503_page_with_its_sentence_and_retry_after(stranger: User) -> None:
    response = _as(stranger).get("/raises/unavailable/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "<h1>Back in a moment</h1>" in html
    assert "The vendor cannot be reached just now. Please reload this page in 5 seconds." in html
    assert "database" not in html


@raising_urls
@pytest.mark.parametrize(
    ("kind", "status", "sentence"),
    [
        ("invalid", 400, "That date is in the future."),
        ("conflict", 409, "Someone else decided this a moment ago."),
    ],
)
def test_any_other_kind_is_a_site_page_with_its_sentence_and_status(
    kind: str, status: int, sentence: str, stranger: User
) -> None:
    response = _as(stranger).get(f"/raises/{kind}/")
    assert response.status_code == status
    html = _page(response)
    assert "<h1>That could not be done</h1>" in html
    assert f"<p>{sentence}</p>" in html
    assert "Sign out" in html  # the site's page, with the person's own header
    assert 'href="/">Go to the home page</a>' in html


@raising_urls
@pytest.mark.parametrize(
    ("kind", "status", "body"),
    [
        ("not-found", 404, {"error": {"code": "not_found", "message": "No such thing."}}),
        (
            "unavailable",
            503,
            {
                "error": {
                    "code": "unavailable",
                    "message": "The vendor cannot be reached just now.",
                }
            },
        ),
        (
            "entitlement-denied",
            403,
            {
                "error": {
                    "code": "entitlement_denied",
                    "message": "Fable 5 needs verification level 2.",
                },
                "reasons": [
                    {"code": "level.too_low", "message": "Fable 5 needs verification level 2."}
                ],
            },
        ),
    ],
)
def test_a_plain_view_on_an_api_path_gets_the_apis_json(
    kind: str, status: int, body: dict[str, Any], stranger: User
) -> None:
    response = _as(stranger).get(f"/api/v1/raises/{kind}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == body


def test_a_domain_error_raised_in_a_middleware_gets_its_page_too(
    stranger: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from idverify.errors import NotFound

    def refuse(*args: object, **kwargs: object) -> None:
        raise NotFound("No such thing.")

    # Outside any view: Django's 500 handler answers, through the same mapping.
    monkeypatch.setattr("accounts.second_factor.middleware.SecondFactorMiddleware.__call__", refuse)
    response = _as(stranger, raise_request_exception=False).get("/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/review/", 403, "Not allowed"),
        ("/documents/{missing}/", 404, "Page not found"),
        ("/documents/{missing}/file", 404, "Page not found"),
        # Officers' pages whose very existence is theirs: anyone else finds nothing.
        ("/screening/review/", 404, "Page not found"),
        ("/screening/review/{missing}/", 404, "Page not found"),
        ("/console/", 404, "Page not found"),
    ],
)
def test_the_apps_pages_let_their_domain_errors_reach_the_mapping(
    path: str, status: int, heading: str, stranger: User
) -> None:
    response = _as(stranger).get(path.format(missing=uuid.uuid4()))
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_an_officer_meets_the_404_page_for_what_does_not_exist(officer: User) -> None:
    client = Client()
    sign_in_with_second_factor(client, officer)
    for path in (f"/review/{uuid.uuid4()}/", "/console/tiers/no-such-tier/edit"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "<h1>Page not found</h1>" in response.content.decode()


def test_a_services_error_on_a_form_is_shown_beside_its_field_not_as_a_page(
    officer: User,
) -> None:
    tier(slug="fable-5")
    client = Client()
    sign_in_with_second_factor(client, officer)
    form = {
        "slug": "fable-5",
        "name": "Fable 5 again",
        "min_level": "2",
        "reason": "A second one.",
    }
    response = client.post("/console/tiers/new", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_slug_error">Error: A tier with this slug already exists.</p>' in html
    assert "That could not be done" not in html
