"""Registering an organisation and verifying it, in a real browser; pages pass axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest

from accounts.models import Organization, User
from tests.support.browser import axe_check, browser_login
from tests.support.factories import PASSWORD
from tests.support.people import enrol_totp

pytestmark = [pytest.mark.browser]


def test_a_person_registers_an_organisation_and_signs_its_declaration(
    page: Any, stranger: User
) -> None:
    # Registering makes them a signing official: a privileged person, held at the
    # second factor from then on, so they have an authenticator app already.
    enrol_totp(stranger)
    browser_login(page, stranger.email, PASSWORD)
    page.goto("/organizations/")
    axe_check(page, "organizations-empty")
    page.get_by_role("link", name="Register an organisation").click()
    axe_check(page, "organization-register")

    page.get_by_role("button", name="Sign and register").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    axe_check(page, "organization-register-errors")

    page.get_by_label("Legal name").fill("Acme Robotics, Inc.")
    page.get_by_label("Country of incorporation").select_option("US")
    page.get_by_label("State of incorporation").select_option("US-DE")
    page.get_by_label("Employer Identification Number (EIN)").fill("07-2103594")
    page.get_by_label("Website domain").fill("acme-robotics.example")
    page.get_by_label(re.compile("I have read the declaration")).check()
    page.get_by_label("Your full name, as your signature").fill("Ada Lovelace")
    page.get_by_role("button", name="Sign and register").click()
    assert "prefix the IRS assigns" in page.get_by_role("alert").inner_text()

    page.get_by_label("Employer Identification Number (EIN)").fill("04-2103594")
    page.get_by_label(re.compile("I have read the declaration")).check()
    page.get_by_role("button", name="Sign and register").click()
    page.wait_for_url(re.compile(r"/organizations/[0-9a-f-]+/$"))
    assert "waits for a compliance officer" in page.get_by_role("status").inner_text()
    assert page.get_by_text("_idverify-challenge.acme-robotics.example").is_visible()
    assert page.get_by_text("at least two signing officials").is_visible()
    axe_check(page, "organization-detail-pending")
    org = Organization.objects.get(legal_name="Acme Robotics, Inc.")
    assert (org.status, org.ein) == ("pending", "04-2103594")


def test_a_compliance_officer_verifies_a_pending_organisation(
    page: Any, officer: User, org: Organization
) -> None:
    Organization.objects.filter(pk=org.pk).update(status=Organization.Status.PENDING)
    enrol_totp(officer)
    browser_login(page, officer.email, PASSWORD)
    page.goto(f"/organizations/{org.public_id}/")
    axe_check(page, "organization-detail-officer")
    page.get_by_label("Reason for verifying").fill("EIN letter and domain checked")
    page.get_by_role("button", name="Verify the organisation").click()
    assert "is verified" in page.get_by_role("status").inner_text()
    org.refresh_from_db()
    assert org.status == Organization.Status.VERIFIED
