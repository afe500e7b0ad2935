"""The sign-in pages (django-allauth's) look and speak like the rest of the site."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.utils.translation import gettext as translate

from accounts.models import User
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "idverify" / "locale" / "en" / "LC_MESSAGES"
NEW_PASSWORD = "a-long-new-passphrase-2026"


def _po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a simple .po file (no plurals, no contexts)."""
    entries: dict[str, str] = {}
    current: dict[str, list[str]] = {}
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ")):
            key, _, rest = line.partition(" ")
            current[key] = [ast.literal_eval(rest)]
        elif line.startswith('"') and key:
            current[key].append(ast.literal_eval(line))
        elif not line.strip() and current:
            msgid, msgstr = "".join(current["msgid"]), "".join(current["msgstr"])
            if msgid:
                entries[msgid] = msgstr
            current, key = {}, ""
    return entries


def test_the_compiled_wording_matches_its_source() -> None:
    wanted = _po_entries(LOCALE / "django.po")
    assert "Sign Up" in wanted
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = {msgid for msgid, msgstr in wanted.items() if compiled.gettext(msgid) != msgstr}
    assert not stale, f"recompile django.mo (msgfmt --check -o django.mo django.po): {stale}"
    # And Django uses it, over allauth's own catalogue.
    assert translate("Sign Up") == "Sign up"


def test_sign_in_is_in_the_sites_layout_and_words(db: None) -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert re.search(r"<title>\s*Sign in\s*· idverify</title>", html)
    assert '<header class="site-header">' in html
    assert re.search(r"<h1>\s*Sign in\s*</h1>", html)
    assert re.search(r'<button class="" type="submit">\s*Sign in\s*</button>', html)
    assert "New here? <a" in html
    assert "Create an account</a> first." in html
    for title_case in ("Sign In", "Sign Up", "Remember Me", "Forgot Password"):
        assert title_case not in html


def test_sign_up_says_sign_up_not_sign_up_in_title_case(db: None) -> None:
    html = Client().get("/accounts/signup/").content.decode()
    assert re.search(r"<title>\s*Sign up\s*· idverify</title>", html)
    assert re.search(r"<h1>\s*Sign up\s*</h1>", html)
    assert "Sign Up" not in html
    assert "Already have an account? <a" in html


def test_the_password_reset_page_says_what_happens(db: None) -> None:
    html = Client().get("/accounts/password/reset/").content.decode()
    assert re.search(r"<h1>\s*Reset your password\s*</h1>", html)
    assert "we will email you a link to choose a new password" in html


def test_emails_carry_the_services_name_not_the_servers_address(
    mailoutbox: list[EmailMessage], settings: object
) -> None:
    settings.IDV_SITE_NAME = "Acme Model Access"  # type: ignore[attr-defined]
    settings.IDV_BASE_URL = "https://access.acme.example"  # type: ignore[attr-defined]
    Client().post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    (message,) = mailoutbox
    assert message.subject == "[Acme Model Access] Please confirm your email address"
    body = str(message.body)
    assert body.startswith("Hello from Acme Model Access!")
    assert "account on access.acme.example" in body
    assert "testserver" not in body.split("http://testserver/", 1)[0]  # only in the link


def test_the_two_factor_pages_use_the_sites_words(stranger: User) -> None:
    client = Client()
    client.login(email=stranger.email, password=PASSWORD)
    html = client.get("/accounts/2fa/").content.decode()
    assert "Two-factor authentication" in html
    assert "Two-Factor Authentication" not in html
    assert '<section class="panel">' in html
