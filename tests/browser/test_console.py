"""An officer drives the compliance console in a real browser, by keyboard; pages pass axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from entitlements.models import IssuedToken, ModelTier
from entitlements.services.tokens import token_issue
from tests.entitlements.support import person, signals, tier
from tests.support.browser import axe_check, browser_login, next_page
from tests.support.factories import PASSWORD
from tests.support.people import enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded_places")]


def test_an_officer_suspends_a_model_with_the_keyboard(page: Any, officer: User) -> None:
    tier("fable-5", name="Fable 5", min_level=2)
    token_issue(user=person(1), tier=ModelTier.objects.get(), signals=signals("CU", ()))
    enrol_totp(officer)
    browser_login(page, officer.email, PASSWORD)
    page.goto("/console/")
    axe_check(page, "console")

    page.get_by_role("link", name="Change directive of Fable 5").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/directive")
    axe_check(page, "console-directive")
    with next_page(page):
        page.get_by_role("button", name="Continue").press("Enter")
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    axe_check(page, "console-directive-error")

    page.get_by_label("Suspended").focus()
    page.keyboard.press("Space")
    page.get_by_label("Reason").fill("Emergency order 2026-11")
    with next_page(page):
        page.get_by_role("button", name="Continue").press("Enter")
    axe_check(page, "console-directive-confirm")
    assert ModelTier.objects.get().directive_state == "open"
    page.get_by_role("button", name="Yes, switch Fable 5 to “Suspended”").press("Enter")
    page.wait_for_url("**/console/")
    assert "is now “Suspended”" in page.get_by_role("status").inner_text()
    assert ModelTier.objects.get().directive_state == "suspended"


def test_an_officer_finds_a_person_and_revokes_a_token(page: Any, officer: User) -> None:
    fable = tier("fable-5", name="Fable 5", min_level=2)
    holder = person(2, email="holder@example.org")
    token_issue(user=holder, tier=fable, signals=signals())
    enrol_totp(officer)
    browser_login(page, officer.email, PASSWORD)
    page.goto("/console/")
    page.get_by_label("Email address or user id").fill("holder@")
    with next_page(page):
        page.get_by_label("Email address or user id").press("Enter")
    axe_check(page, "console-search")
    with next_page(page):
        page.get_by_role("link", name="holder@example.org").click()
    axe_check(page, "console-person")

    page.get_by_label("Reason for revoking token 1").fill("Seen in a public log")
    with next_page(page):
        page.get_by_label("Reason for revoking token 1").press("Enter")
    assert "is revoked" in page.get_by_role("status").inner_text()
    assert IssuedToken.objects.get().revoked_reason == "Seen in a public log"
    axe_check(page, "console-person-revoked")


def test_an_officer_edits_and_creates_tiers_with_the_keyboard(page: Any, officer: User) -> None:
    tier("fable-5", name="Fable 5", min_level=2)
    enrol_totp(officer)
    browser_login(page, officer.email, PASSWORD)
    page.goto("/console/")
    page.get_by_role("link", name="Edit requirements of Fable 5").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/edit")
    axe_check(page, "console-tier-edit")
    page.get_by_label("Minimum verification level").select_option("3")
    with next_page(page):
        page.get_by_role("button", name="Save the requirements").press("Enter")
    assert "Reason" in page.get_by_role("alert").inner_text()
    axe_check(page, "console-tier-edit-error")
    page.get_by_label("Reason").fill("Review 12 raised the bar.")
    page.get_by_role("button", name="Save the requirements").press("Enter")
    page.wait_for_url("**/console/")
    assert "requirements are saved" in page.get_by_role("status").inner_text()
    assert ModelTier.objects.get(slug="fable-5").min_level == 3

    page.get_by_role("link", name="New model tier").press("Enter")
    page.wait_for_url("**/tiers/new")
    axe_check(page, "console-tier-new")
    page.get_by_label("Identifier").fill("epic-6")
    page.get_by_label("Name").fill("Epic 6")
    page.get_by_label("Only people an organisation sponsors").check()
    page.get_by_label("Reason").fill("Licence condition 4.")
    page.get_by_role("button", name="Create the tier").press("Enter")
    page.wait_for_url("**/console/")
    epic = ModelTier.objects.get(slug="epic-6")
    assert (epic.sponsorship_required, epic.min_level) == (True, 2)
