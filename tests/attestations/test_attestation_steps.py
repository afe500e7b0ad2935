"""The attestation's three web steps: each says what is wrong where it can be put right."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from attestations.models import Attestation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]

IDENTITY = {
    "given_names": "Anna Maria",
    "family_name": "Eriksson",
    "date_of_birth": "1974-08-12",
    "country_of_birth": "SE",
    "citizenships": ["SE"],
}


@pytest.fixture
def browser(client: Client, stranger: User, settings: object) -> Client:
    settings.IDV_GEO_ALLOW_LOCAL = True  # type: ignore[attr-defined]
    client.force_login(stranger)
    return client


def _goes_to(response: Any) -> str:
    location: str = response["Location"]
    return location


def _field_error(html: str, field: str) -> str:
    found = re.search(rf'id="id_{field}_error">(.*?)</p>', html, re.S)
    assert found, html
    return " ".join(found.group(1).split())


def test_a_citizen_who_leaves_out_the_united_states_is_told_on_the_status_step(
    browser: Client,
) -> None:
    assert browser.post("/attest/identity/", IDENTITY).status_code == 302
    response = browser.post("/attest/status/", {"status": "us_citizen"})
    assert response.status_code == 400
    html = response.content.decode()
    assert _field_error(html, "status") == (
        "Error: You chose “U.S. citizen”, but the United States is not among the citizenships "
        "you gave. Add it on the previous step, or choose the status that describes you."
    )
    assert 'href="/attest/identity/">Change your citizenships</a>' in html
    # The choice made is kept, and the next step stays closed until it is settled.
    assert re.search(r'value="us_citizen"[^>]*checked', html)
    assert _goes_to(browser.get("/attest/declaration/")) == "/attest/status/"

    # Adding the United States on step 1 keeps everything else and settles it.
    page = browser.get("/attest/identity/").content.decode()
    assert 'value="SE" id="id_citizenships_SE" checked' in page
    assert _goes_to(
        browser.post("/attest/identity/", {**IDENTITY, "citizenships": ["SE", "US"]})
    ) == ("/attest/status/")
    assert (
        _goes_to(browser.post("/attest/status/", {"status": "us_citizen"}))
        == "/attest/declaration/"
    )


def test_someone_holding_us_citizenship_cannot_say_they_are_not_a_us_person(
    browser: Client,
) -> None:
    browser.post("/attest/identity/", {**IDENTITY, "citizenships": ["US"]})
    response = browser.post("/attest/status/", {"status": "not_us_person"})
    assert response.status_code == 400
    assert "A citizen of the United States is a U.S. person" in _field_error(
        response.content.decode(), "status"
    )


def test_a_missing_choice_is_not_blamed_on_the_citizenships(browser: Client) -> None:
    browser.post("/attest/identity/", IDENTITY)
    html = browser.post("/attest/status/", {}).content.decode()
    assert _field_error(html, "status") == "Error: Choose the status that describes you."
    assert "Change your citizenships" not in html


def test_the_signature_page_reports_every_error_in_one_round(browser: Client) -> None:
    browser.post("/attest/identity/", IDENTITY)
    browser.post("/attest/status/", {"status": "not_us_person"})
    page = browser.get("/attest/declaration/").content.decode()
    version = re.search(r'name="declaration_version" value="([^"]+)"', page)
    assert version
    response = browser.post(
        "/attest/declaration/",
        {"declaration_version": version.group(1), "signature_name": "Anna Eriksson"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert _field_error(html, "signature_name") == (
        "Error: Type your full name exactly as given above: Anna Maria Eriksson."
    )
    assert _field_error(html, "perjury_acknowledged") == (
        "Error: Confirm that you sign under penalty of perjury."
    )
    assert html.count("<li><a href=") >= 2  # both in the linked error summary
    assert not Attestation.objects.exists()


def test_citizenships_are_checkboxes_with_the_united_states_first(browser: Client) -> None:
    html = browser.get("/attest/identity/").content.decode()
    boxes = re.findall(r'<input type="checkbox" name="citizenships" value="([A-Z]{2})"', html)
    assert boxes[0] == "US"
    assert len(boxes) == len(set(boxes)) > 240
    assert "<select" not in html.split('name="citizenships"', 1)[0].rsplit("<fieldset", 1)[1]
    assert "<legend>Every country of which you are a citizen</legend>" in html
    assert 'src="/static/attestations/country-list.js"' in html


def test_steps_taken_out_of_order_lead_back_to_the_first_missing_one(browser: Client) -> None:
    assert _goes_to(browser.get("/attest/declaration/")) == "/attest/identity/"
    assert (
        _goes_to(browser.post("/attest/status/", {"status": "us_citizen"})) == "/attest/identity/"
    )
    assert _goes_to(browser.get("/attest/nonsense/")) == "/attest/identity/"
