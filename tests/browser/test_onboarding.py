"""A person onboards in a real browser: sign-up, attestation, document, status.

Every page passes axe-core (WCAG 2.1 A/AA) and is saved as a screenshot.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.mail import EmailMessage

from accounts.models import User
from attestations.models import Attestation, Document
from tests.attestations.mrz_samples import corrupt, td3
from tests.support.browser import axe_check, browser_login, next_page
from tests.support.factories import PASSWORD
from tests.support.people import totp_code

# serialized_rollback: the rows data migrations wrote (declaration, embargoed places)
# come back after each test, for the tests that follow.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PASSWORD = "a-long-new-passphrase-2026"


@pytest.fixture(autouse=True)
def _local_addresses_count_as_clean(settings: Any) -> None:
    # The browser reaches the live server from 127.0.0.1, which has no GeoIP location.
    settings.IDV_GEO_ALLOW_LOCAL = True


def _confirmation_link(message: EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_sign_up_attest_add_a_document_and_see_the_level(
    page: Any, mailoutbox: list[EmailMessage]
) -> None:
    page.goto("/accounts/signup/")
    axe_check(page, "01-signup")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    with next_page(page):
        page.get_by_label("Password (again)").press("Enter")
    assert "verify" in page.content().lower()
    axe_check(page, "02-verification-sent")

    page.goto(_confirmation_link(mailoutbox[-1]))
    axe_check(page, "03-confirm-email")
    with next_page(page):
        page.get_by_role("button", name="Confirm").click()

    page.goto("/status/")
    assert "Level 0" in page.locator("main").inner_text()
    axe_check(page, "04-status-level-0")
    page.get_by_role("link", name="Start").click()

    # Step 1, with an error first: the summary links to the field.
    page.get_by_role("button", name="Continue").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    axe_check(page, "05-attest-identity-errors")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_family_name"

    page.get_by_label("Given names").fill("Anna Maria")
    page.get_by_label("Family name").fill("Eriksson")
    page.get_by_label("Date of birth").fill("1974-08-12")
    page.get_by_label("Country of birth").select_option("US")
    page.get_by_label("United States", exact=True).check()
    page.get_by_label("Sweden").check()
    axe_check(page, "06-attest-identity")
    page.get_by_label("Family name").press("Enter")

    # Step 2 with the keyboard only: the radio group, then Enter.
    axe_check(page, "07-attest-status")
    assert "naturalisation" in page.locator("main").inner_text()
    page.get_by_label("U.S. citizen", exact=True).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")

    # Going back to an earlier step, and back again with the browser, keeps the answers.
    page.get_by_role("link", name="Change your details").click()
    assert page.get_by_label("Family name").input_value() == "Eriksson"
    page.go_back()

    axe_check(page, "08-attest-declaration")
    text = page.locator("main").inner_text()
    assert "penalty of perjury" in text
    assert "U.S. citizen" in text
    fingerprint = page.locator(".fingerprint").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint)
    page.get_by_label("Type your full name as your signature").fill("Anna Maria Eriksson")
    page.get_by_label(re.compile("I declare under penalty of perjury")).focus()
    page.keyboard.press("Space")
    with next_page(page):
        page.get_by_role("button", name="Sign the attestation").click()

    assert "Level 1" in page.locator("main").inner_text()
    axe_check(page, "09-status-level-1")
    attestation = Attestation.objects.get(user__email="newcomer@example.com")
    assert attestation.declaration_sha256 == fingerprint
    assert attestation.citizenships == ["SE", "US"]

    page.get_by_role("link", name="Upload a document").click()
    axe_check(page, "10-document-new")
    page.get_by_label("Kind of document").select_option("us_passport")
    page.get_by_label("Machine-readable lines (optional)").fill(corrupt(td3(), line=2, position=14))
    with next_page(page):
        page.get_by_role("button", name="Send the document").click()

    # A typo: never a dead end, the lines come back to be corrected.
    assert "Type the machine-readable lines" in page.locator("main").inner_text()
    axe_check(page, "11-document-type-mrz")
    page.get_by_label("Machine-readable lines", exact=True).fill(td3())
    with next_page(page):
        page.get_by_role("button", name="Check the lines").click()
    # Typed lines prove only that they are consistent, not that the person holds the
    # passport: they go to a compliance officer and the level stays where it was.
    text = page.locator("main").inner_text()
    assert "A compliance officer will look at this document" in text
    assert "passed every check" not in text
    axe_check(page, "12-document-waits-for-review")

    page.goto("/status/")
    assert "Level 1" in page.locator("main").inner_text()
    assert "Level 2" not in page.locator("main").inner_text()
    axe_check(page, "13-status-still-level-1")


def test_two_factor_authentication_can_be_set_up_and_is_asked_at_sign_in(
    page: Any, stranger: User
) -> None:
    browser_login(page, stranger.email, PASSWORD)
    page.goto("/accounts/2fa/")
    axe_check(page, "20-mfa-index")
    page.goto("/accounts/2fa/totp/activate/")
    axe_check(page, "21-reauthenticate")
    page.get_by_label("Password").fill(PASSWORD)
    with next_page(page):
        page.get_by_label("Password").press("Enter")
    axe_check(page, "21-mfa-activate")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    with next_page(page):
        page.get_by_role("button", name="Activate").click()
    page.goto("/accounts/2fa/recovery-codes/")
    axe_check(page, "22-mfa-recovery-codes")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) >= 5

    with next_page(page):
        page.get_by_role("button", name="Sign out").click()
    browser_login(page, stranger.email, PASSWORD, answer_code=False)
    assert "Two-factor authentication" in page.locator("main").inner_text()
    axe_check(page, "23-mfa-authenticate")
    page.get_by_label("Code").fill(codes[0])
    with next_page(page):
        page.get_by_role("button", name="Sign in").click()
    page.goto("/account/")
    assert stranger.email in page.locator("main").inner_text()


def test_a_document_without_an_mrz_waits_for_review_and_the_person_is_told(
    page: Any, stranger: User
) -> None:
    from attestations.models import DocumentType
    from attestations.services import document_submit
    from tests.attestations import images
    from tests.attestations.factories import AttestationFactory

    AttestationFactory.create(user=stranger)
    document = document_submit(
        user=stranger, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.png()
    )
    browser_login(page, stranger.email, PASSWORD)
    page.goto(f"/documents/{document.public_id}/")
    assert "compliance officer will look" in page.locator("main").inner_text()
    axe_check(page, "30-document-needs-review")
    with next_page(page):
        page.get_by_role("button", name="Delete the image now").click()
    assert "image was deleted" in page.locator("main").inner_text()
    assert not Document.objects.get(pk=document.pk).has_image


def test_a_forgotten_password_is_reset_through_the_emailed_link(
    page: Any, stranger: User, mailoutbox: list[EmailMessage]
) -> None:
    page.goto("/accounts/password/reset/")
    axe_check(page, "50-password-reset")
    page.get_by_label("Email").fill(stranger.email)
    with next_page(page):
        page.get_by_label("Email").press("Enter")
    axe_check(page, "51-password-reset-sent")
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", str(mailoutbox[-1].body)
    )
    assert link
    page.goto(link.group(1))
    axe_check(page, "52-password-reset-new")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password (again)").fill(NEW_PASSWORD)
    with next_page(page):
        page.get_by_label("New password (again)").press("Enter")
    axe_check(page, "53-password-reset-done")
    browser_login(page, stranger.email, NEW_PASSWORD)
    page.goto("/status/")
    assert "Your verification status" in page.locator("main").inner_text()
