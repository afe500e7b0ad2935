"""Every error a browser can meet is the site's own page: its header, its styles, a way on."""

from __future__ import annotations

import io
import re
from html import escape

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from accounts.models import Organization, User
from attestations.models import Document
from tests.attestations.factories import AttestationFactory
from tests.attestations.mrz_samples import td3

pytestmark = pytest.mark.django_db


def _as(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _assert_site_page(html: str, *, signed_in: bool) -> None:
    assert 'href="/static/idverify/site.css"' in html
    assert 'rel="icon"' in html
    assert '<header class="site-header">' in html
    assert ("Sign out" in html) is signed_in
    assert 'href="/">Go to the home page</a>' in html


def test_a_missing_page_is_the_sites_page_with_the_persons_header(stranger: User) -> None:
    response = _as(stranger).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_site_page(html, signed_in=True)
    assert '<a href="/status/">Verification</a>' in html


def test_a_page_not_open_to_the_person_says_so_and_who_they_are(
    teammate: User, org: Organization
) -> None:
    response = _as(teammate).get(f"/organizations/{org.public_id}/invitations")
    assert response.status_code == 403
    html = response.content.decode()
    _assert_site_page(html, signed_in=True)
    assert f"You are signed in as {teammate.email}" in html


def test_a_bad_request_is_the_sites_page(db: None) -> None:
    response = _as(None).get("/", HTTP_HOST="not-a-host-we-serve.example")
    assert response.status_code == 400
    _assert_site_page(response.content.decode(), signed_in=False)


@pytest.mark.urls("tests.idverify.error_urls")
def test_a_server_error_is_a_styled_page_with_a_way_back_and_a_reference(
    stranger: User,
) -> None:
    response = _as(stranger).get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    _assert_site_page(html, signed_in=False)  # no query runs: the header is the brand alone
    reference = re.search(r"reference <code>([0-9a-f]{32})</code>", html)
    assert reference
    assert reference.group(1) == response["X-Request-ID"]


def test_a_body_over_the_cap_gets_the_sites_page_with_a_way_back_to_the_form(
    stranger: User, settings: object
) -> None:
    settings.IDV_MAX_REQUEST_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    upload = io.BytesIO(b"\xff" * (2 * 1024 * 1024))
    upload.name = "passport.jpg"
    response = _as(stranger).post(
        "/documents/",
        {"document_type": "us_passport", "file": upload},
        HTTP_REFERER="http://testserver/documents/",
    )
    assert response.status_code == 413
    html = response.content.decode()
    _assert_site_page(html, signed_in=True)
    assert "That upload is too large" in html
    assert "at most 1.0 MB in one request" in html
    assert '<a href="/documents/">Open the form again</a>' in html


def test_a_referer_from_elsewhere_is_not_offered_as_the_way_back(
    stranger: User, settings: object
) -> None:
    settings.IDV_MAX_REQUEST_BYTES = 1024  # type: ignore[attr-defined]
    response = _as(stranger).post(
        "/documents/", {"mrz": "x" * 4096}, HTTP_REFERER="https://evil.example/phish"
    )
    assert response.status_code == 413
    assert "Open the form again" not in response.content.decode()


def test_a_file_over_the_document_limit_keeps_the_other_answers(
    stranger: User, settings: object
) -> None:
    settings.IDV_DOCUMENT_MAX_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    AttestationFactory.create(user=stranger)
    upload = io.BytesIO(b"\xff" * (2 * 1024 * 1024))
    upload.name = "passport.jpg"
    lines = td3()
    response = _as(stranger).post(
        "/documents/", {"document_type": "us_passport_card", "mrz": lines, "file": upload}
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert re.search(r'<option value="us_passport_card" selected>', html)
    assert escape(lines.split("\n")[0]) in html
    error = re.search(r'id="id_file_error">(.*?)</p>', html, re.S)
    assert error
    assert "at most 1 MB is accepted" in error.group(1)
    assert 'data-max-bytes="1048576"' in html  # the page's script checks before sending
    assert not Document.objects.exists()


def test_the_favicon_is_served_where_browsers_look_for_it(db: None) -> None:
    response = _as(None).get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/idverify/favicon.svg"
    assert finders.find("idverify/favicon.svg")
