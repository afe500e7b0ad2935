"""A person signs in and manages API keys in a real browser; pages pass axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from tests.support.browser import axe_check, browser_login, next_page
from tests.support.factories import PASSWORD
from tests.support.people import enrol_totp

pytestmark = [pytest.mark.browser]


def test_sign_in_and_create_an_api_key_with_the_keyboard(page: Any, owner: User) -> None:
    page.goto("/")
    axe_check(page, "home-anonymous")
    page.goto("/accounts/login/")
    axe_check(page, "login")
    enrol_totp(owner)
    browser_login(page, owner.email, PASSWORD)

    page.goto("/account/")
    axe_check(page, "account")
    page.get_by_label("Key name").fill("laptop")
    page.get_by_label("Expires").select_option("30")
    page.get_by_label("Key name").press("Enter")  # keyboard only: Enter submits
    key = page.locator("#new-key").inner_text()
    assert key.startswith("idv_pat_")
    axe_check(page, "account-new-key")

    with next_page(page):
        page.get_by_role("button", name="Revoke key laptop").click()
    assert page.get_by_text("is revoked").is_visible()


def test_a_form_error_is_summarised_and_linked_to_its_field(page: Any, owner: User) -> None:
    enrol_totp(owner)
    browser_login(page, owner.email, PASSWORD)
    page.goto("/account/")
    page.get_by_role("button", name="Create key").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    axe_check(page, "account-form-error")


def test_the_api_docs_page_renders(page: Any) -> None:
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=20_000)
    assert "idverify API" in page.locator(".swagger-ui .info").inner_text()
