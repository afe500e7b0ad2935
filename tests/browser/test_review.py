"""A compliance officer reviews a document in the browser; the person sees the outcome."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from attestations.models import Document, DocumentType
from attestations.services import document_submit
from tests.attestations import images
from tests.attestations.factories import AttestationFactory
from tests.support.browser import axe_check, browser_login, next_page
from tests.support.factories import PASSWORD
from tests.support.people import enrol_totp

# serialized_rollback: the rows data migrations wrote (declaration, embargoed places)
# come back after each test, for the tests that follow.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_officer_rejects_with_a_reason_and_the_person_sees_what_to_do(
    page: Any, officer: User, teammate: User
) -> None:
    AttestationFactory.create(user=teammate)
    document = document_submit(
        user=teammate, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.png()
    )

    enrol_totp(officer)
    browser_login(page, officer.email, PASSWORD)
    page.goto("/review/")
    axe_check(page, "40-review-queue")
    with next_page(page):  # the load event comes after the image has loaded
        page.get_by_role("link", name=f"Review the document of {teammate.email}").click()
    assert page.get_by_role("img", name="The uploaded U.S. birth certificate").is_visible()
    axe_check(page, "41-review-detail")

    page.get_by_role("button", name="Record the decision").click()
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    axe_check(page, "42-review-detail-errors")

    page.get_by_label("Decision").select_option("reject")
    page.get_by_label("Reason").select_option("unreadable")
    page.get_by_label("Note").fill("The seal cannot be made out; please send a sharper scan.")
    with next_page(page):
        page.get_by_role("button", name="Record the decision").click()
    assert "Decision recorded" in page.locator("main").inner_text()
    assert "Nothing is waiting" in page.locator("main").inner_text()
    axe_check(page, "43-review-queue-empty")
    assert Document.objects.get(pk=document.pk).status == Document.Status.REJECTED

    with next_page(page):
        page.get_by_role("button", name="Sign out").click()
    browser_login(page, teammate.email, PASSWORD)
    page.goto(f"/documents/{document.public_id}/")
    text = page.locator("main").inner_text()
    assert "not accepted" in text
    assert "sharper scan" in text
    assert "could not read the document" in text  # the reason, written for the person
    assert "Reject:" not in text
    assert "add another document" in text
    axe_check(page, "44-document-rejected")
    page.goto("/status/")
    assert "Add another document" in page.locator("main").inner_text()
    axe_check(page, "45-status-after-rejection")
