"""Accounts through allauth: verified sign-up, throttled sign-in, password reset, 2FA pages."""

from __future__ import annotations

import re

import pytest
from django.core.mail import EmailMessage
from django.test import Client

from accounts.models import User
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-passphrase-2026"


def _link(message: EmailMessage, path: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_a_new_account_must_confirm_its_email_before_signing_in(
    mailoutbox: list[EmailMessage],
) -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mailoutbox) == 1
    assert client.get("/status/").status_code == 302  # not signed in yet

    link = _link(mailoutbox[0], "/accounts/confirm-email/")
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert client.get("/status/").status_code == 200


def test_sign_up_errors_are_listed_in_a_linked_summary() -> None:
    response = Client().post(
        "/accounts/signup/", {"email": "not-an-email", "password1": "x", "password2": "y"}
    )
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_email"' in html
    assert '<label for="id_email">' in html


def test_repeated_failed_sign_ins_for_one_account_are_throttled(stranger: User) -> None:
    client = Client()
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": stranger.email, "password": "wrong-password"}
        )
        assert b"Too many failed login attempts" not in response.content
    # Even the right password is refused while the limit holds.
    right = client.post("/accounts/login/", {"login": stranger.email, "password": PASSWORD})
    assert b"Too many failed login attempts" in right.content
    assert "_auth_user_id" not in client.session
    assert client.get("/status/").status_code == 302


def test_too_many_sign_in_attempts_from_one_address_get_429() -> None:
    client = Client()
    statuses = [
        client.post(
            "/accounts/login/", {"login": f"guess{n}@example.com", "password": "x" * 12}
        ).status_code
        for n in range(31)
    ]
    assert 429 not in statuses[:30]
    assert statuses[30] == 429


def test_a_password_can_be_reset_through_the_emailed_link(
    stranger: User, mailoutbox: list[EmailMessage]
) -> None:
    client = Client()
    assert client.post("/accounts/password/reset/", {"email": stranger.email}).status_code == 302
    link = _link(mailoutbox[-1], "/accounts/password/reset/key/")
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert Client().login(username=stranger.email, password=NEW_PASSWORD)


def test_two_factor_pages_need_a_signed_in_person(stranger: User) -> None:
    assert Client().get("/accounts/2fa/").status_code == 302
    client = Client()
    signed_in = client.post("/accounts/login/", {"login": stranger.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    # Turning on 2FA asks for the password again, whatever the age of the session.
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    confirmed = client.post(asked["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    assert b'<label for="id_code">' in page.content
