"""A hurried person in a real browser: the wrong kind of document, an expired one, a file
too large, a missing field, steps out of order. Each time: the message, the status, and
nothing else on the form lost. Error pages are the site's own. Pages pass axe-core.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from accounts.models import Organization, User
from attestations.models import Attestation, Document
from tests.attestations.factories import AttestationFactory
from tests.attestations.mrz_samples import td3
from tests.support.browser import axe_check, browser_login, next_page
from tests.support.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _local_addresses_count_as_clean(settings: Any) -> None:
    settings.IDV_GEO_ALLOW_LOCAL = True


@pytest.fixture
def citizen(stranger: User) -> User:
    AttestationFactory.create(user=stranger)  # Anna Maria Eriksson, U.S. citizen
    return stranger


@pytest.fixture
def no_script(browser: Any, live_server: Any, transactional_db: None) -> Iterator[Any]:
    """A browser without JavaScript: what the server alone answers."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", bypass_csp=True, java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _send(page: Any, button: str) -> int:
    with next_page(page), page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name=button).click()
    status: int = sent.value.status
    return status


def _field_error(page: Any, field_id: str) -> str:
    text: str = page.locator(f"#{field_id}_error").inner_text()
    return text


def test_a_document_sent_in_a_hurry_is_answered_field_by_field(
    page: Any, citizen: User, settings: Any
) -> None:
    # About the form's answers, so typed lines that check out pass (an operator's choice).
    settings.IDV_TYPED_MRZ_PASSES = True
    browser_login(page, citizen.email, PASSWORD)
    page.goto("/documents/")

    # Nothing chosen, nothing given: both problems at once, in the linked summary.
    assert _send(page, "Send the document") == 400
    summary = page.get_by_role("alert").inner_text()
    assert "Kind of document: Choose the kind of document." in summary
    assert "Upload a photo or scan of the document, or type its machine-readable lines." in summary
    axe_check(page, "hurried-01-document-nothing-given")

    # The lines of a passport, with "passport card" chosen: said by the kind, lines kept.
    page.get_by_label("Kind of document").select_option("us_passport_card")
    page.get_by_label("Machine-readable lines (optional)").fill(td3())
    assert _send(page, "Send the document") == 400
    assert "but the machine-readable lines belong to a U.S. passport" in _field_error(
        page, "id_document_type"
    )
    assert page.get_by_label("Machine-readable lines (optional)").input_value() == td3()
    assert page.get_by_label("Kind of document").input_value() == "us_passport_card"
    axe_check(page, "hurried-02-document-wrong-kind")

    # An expired passport: refused at once with what to do, not parked for an officer.
    expired_on = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=10)
    page.get_by_label("Kind of document").select_option("us_passport")
    page.get_by_label("Machine-readable lines (optional)").fill(td3(expiry=expired_on))
    assert _send(page, "Send the document") == 400
    assert _field_error(page, "id_mrz") == (
        f"Error: The document expired on {expired_on.isoformat()}. Please use a document "
        "that is still valid."
    )
    assert page.get_by_label("Kind of document").input_value() == "us_passport"
    assert not Document.objects.exists()

    # A file over the limit: refused before sending, beside its field; nothing lost.
    page.get_by_label("Machine-readable lines (optional)").fill(td3())
    page.get_by_label("Photo or scan of the document").set_input_files(
        {"name": "passport.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (11 * MB)}
    )
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="Send the document").click()
    assert "The file is 11.0 MB; at most 10 MB is accepted." in _field_error(page, "id_file_size")
    assert posts == []
    assert page.get_by_label("Kind of document").input_value() == "us_passport"
    assert page.get_by_label("Machine-readable lines (optional)").input_value() == td3()
    axe_check(page, "hurried-03-document-file-too-large")

    # Another file, the same answers: through.
    page.get_by_label("Photo or scan of the document").set_input_files([])
    assert _send(page, "Send the document") == 302 or page.url.endswith("/")
    assert "passed every check" in page.locator("main").inner_text()


def test_without_script_the_server_keeps_the_answers_and_its_413_is_a_page(
    no_script: Any, citizen: User, settings: Any
) -> None:
    settings.IDV_DOCUMENT_MAX_BYTES = 1 * MB
    settings.IDV_MAX_REQUEST_BYTES = 4 * MB
    browser_login(no_script, citizen.email, PASSWORD)
    no_script.goto("/documents/")

    # Over the form's own limit: the server's page keeps the other answers.
    no_script.get_by_label("Kind of document").select_option("us_passport_card")
    no_script.get_by_label("Machine-readable lines (optional)").fill(td3())
    no_script.get_by_label("Photo or scan of the document").set_input_files(
        {"name": "scan.png", "mimeType": "image/png", "buffer": b"\x89PNG" + b"\0" * (2 * MB)}
    )
    assert _send(no_script, "Send the document") == 413
    assert "at most 1 MB is accepted" in _field_error(no_script, "id_file")
    assert no_script.get_by_label("Kind of document").input_value() == "us_passport_card"
    assert no_script.get_by_label("Machine-readable lines (optional)").input_value() == td3()

    # Over what the server takes in one request: its own page, with the header and a way back.
    no_script.goto("/documents/")
    no_script.get_by_label("Kind of document").select_option("us_passport_card")
    no_script.get_by_label("Photo or scan of the document").set_input_files(
        {"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (5 * MB)}
    )
    assert _send(no_script, "Send the document") == 413
    main = no_script.locator("main").inner_text()
    assert "That upload is too large" in main
    assert "your other answers are still there" in main
    assert no_script.get_by_role("button", name="Sign out").is_visible()
    assert no_script.get_by_role("link", name="Open the form again").get_attribute("href") == (
        "/documents/"
    )
    no_script.go_back()
    assert no_script.get_by_label("Kind of document").input_value() == "us_passport_card"


def test_the_request_too_large_page_passes_axe(page: Any, citizen: User, settings: Any) -> None:
    # Under the form's own limit (so the page's script lets it go), over the server's cap.
    settings.IDV_MAX_REQUEST_BYTES = 2 * MB
    browser_login(page, citizen.email, PASSWORD)
    page.goto("/documents/")
    page.get_by_label("Kind of document").select_option("us_passport")
    page.get_by_label("Photo or scan of the document").set_input_files(
        {"name": "scan.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (3 * MB)}
    )
    assert _send(page, "Send the document") == 413
    assert "That upload is too large" in page.locator("h1").inner_text()
    axe_check(page, "hurried-04-request-too-large")


def test_an_attestation_in_a_hurry_is_told_each_problem_on_its_own_step(
    page: Any, stranger: User
) -> None:
    browser_login(page, stranger.email, PASSWORD)

    # The last step first: sent back to the first one missing.
    page.goto("/attest/declaration/")
    assert page.url.endswith("/attest/identity/")

    page.get_by_label("Given names").fill("Anna Maria")
    page.get_by_label("Family name").fill("Eriksson")
    page.get_by_label("Date of birth").fill("1974-08-12")
    page.get_by_label("Country of birth").select_option("SE")
    # The citizenship list: a filter narrows it, the United States is first.
    boxes = page.locator("#id_citizenships input[type=checkbox]")
    assert boxes.first.get_attribute("value") == "US"
    page.get_by_label("Find a country").fill("swed")
    assert page.locator("#id_citizenships .choice:visible").count() == 1
    page.get_by_label("Find a country").press("Enter")  # ticks the only match, sends nothing
    assert page.get_by_label("Sweden").is_checked()
    assert page.locator(".ticked").inner_text() == "Ticked: Sweden."
    axe_check(page, "hurried-05-attest-identity-filtered")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/attest/status/")

    # A citizen who left out the United States hears it here, not at the signature.
    page.get_by_label("U.S. citizen", exact=True).check()
    assert _send(page, "Continue") == 400
    assert "the United States is not among the citizenships you gave" in _field_error(
        page, "id_status"
    )
    assert page.get_by_label("U.S. citizen", exact=True).is_checked()
    axe_check(page, "hurried-06-attest-status-citizenship")
    page.get_by_role("link", name="Change your citizenships").click()
    assert page.get_by_label("Family name").input_value() == "Eriksson"
    assert page.get_by_label("Sweden").is_checked()
    page.get_by_label("United States", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("U.S. citizen", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/attest/declaration/")

    # The signature page: a wrong name and no tick, both said at once.
    page.get_by_label("Type your full name as your signature").fill("Anna Eriksson")
    assert _send(page, "Sign the attestation") == 400
    summary = page.get_by_role("alert").inner_text()
    assert "exactly as given above: Anna Maria Eriksson" in summary
    assert "Confirm that you sign under penalty of perjury." in summary
    assert page.get_by_label("Type your full name as your signature").input_value() == (
        "Anna Eriksson"
    )
    axe_check(page, "hurried-07-attest-signature-errors")
    page.get_by_label("Type your full name as your signature").fill("Anna Maria Eriksson")
    page.get_by_label(re.compile("I declare under penalty of perjury")).check()
    page.get_by_role("button", name="Sign the attestation").click()
    page.wait_for_url("**/status/")
    assert Attestation.objects.get(user=stranger).citizenships == ["SE", "US"]


def test_error_pages_in_the_browser_are_the_sites_pages(
    page: Any, teammate: User, org: Organization
) -> None:
    page.goto("/accounts/login/?" + "&".join(f"f{n}=1" for n in range(1100)))
    assert "Bad request" in page.locator("h1").inner_text()
    axe_check(page, "error-400")

    browser_login(page, teammate.email, PASSWORD)
    response = page.goto(f"/organizations/{org.public_id}/invitations")
    assert response.status == 403
    assert "Not allowed" in page.locator("h1").inner_text()
    assert page.get_by_role("button", name="Sign out").is_visible()
    axe_check(page, "error-403")

    response = page.goto("/no-such-page/")
    assert response.status == 404
    page.get_by_role("link", name="Go to the home page").click()
    assert page.url.endswith("/")


@pytest.mark.urls("tests.idverify.error_urls")
def test_a_server_error_in_the_browser_is_a_styled_page_with_a_way_back(
    page: Any, stranger: User
) -> None:
    browser_login(page, stranger.email, PASSWORD)
    response = page.goto("/broken/")
    assert response.status == 500
    assert "Something went wrong" in page.locator("h1").inner_text()
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert background == "rgb(11, 79, 138)"  # the site's stylesheet is there
    axe_check(page, "error-500")
    page.get_by_role("link", name="Go to the home page").click()
    assert "You are signed in" in page.locator("main").inner_text()
