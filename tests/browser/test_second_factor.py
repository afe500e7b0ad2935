"""Second factors in a real browser: an officer enrols an authenticator app at the next sign-in,
then adds a passkey (a virtual WebAuthn authenticator in Chromium, through the DevTools
protocol) and signs in with it alone. Pages pass axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator

from accounts.models import User
from tests.support.browser import axe_check, browser_login, next_page
from tests.support.factories import PASSWORD
from tests.support.people import enrol_totp, totp_code

pytestmark = [pytest.mark.browser]


def _confirm_password(page: Any) -> None:
    """allauth asks for the password again before a factor is added."""
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Password").fill(PASSWORD)
    with next_page(page):
        page.get_by_role("button", name=re.compile("confirm", re.IGNORECASE)).click()


def test_an_officer_enrols_an_authenticator_app_at_the_next_sign_in(
    page: Any, officer: User
) -> None:
    browser_login(page, officer.email, PASSWORD)
    page.goto("/console/")
    page.wait_for_url("**/accounts/2fa/")
    assert "Your role needs a second factor" in page.get_by_role("status").inner_text()
    axe_check(page, "mfa-enrol-required")

    page.get_by_role("link", name="Activate").click()
    _confirm_password(page)
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    axe_check(page, "mfa-totp-activate")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    axe_check(page, "mfa-recovery-codes")

    page.goto("/console/")
    assert page.get_by_role("heading", level=1).inner_text().strip() != ""
    assert page.url.endswith("/console/")
    assert Authenticator.objects.filter(user=officer, type="totp").exists()


def test_an_officer_adds_a_passkey_and_signs_in_with_it_alone(page: Any, officer: User) -> None:
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable", {"enableUI": False})
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    enrol_totp(officer)
    browser_login(page, officer.email, PASSWORD)
    page.goto("/accounts/2fa/webauthn/add/")
    _confirm_password(page)
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    axe_check(page, "mfa-passkey-add")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add", exact=True).click()
    # The browser asks the authenticator, then posts the new credential.
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    passkey = Authenticator.objects.get(user=officer, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless

    with next_page(page):
        page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/console/")
    assert page.url.endswith("/console/"), page.url
    assert "Sign out" in page.get_by_role("navigation", name="Main").inner_text()
