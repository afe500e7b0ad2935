"""No secret reaches a log line: sign-up, confirmation, API key, password reset, invitation.

The whole journey runs through the web and API, with every logger at DEBUG and the
service's own log handler writing to a buffer (what an operator's log shipper would
receive). Every secret the journey handed out is then looked for in that output.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.views import ConfirmEmailView
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Organization, User
from accounts.services.invitations import invitation_create
from accounts.views import invitations as invitation_views
from idverify.logging import JsonFormatter

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_PASSWORD = "first-long-passphrase-of-the-journey"
SECOND_PASSWORD = "second-long-passphrase-after-reset"
EMAIL = "journey@example.com"


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything the service's log handler writes, with every logger at DEBUG."""
    ours = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert ours, "the service's JSON log handler is not installed"
    buffer = io.StringIO()
    loggers = [logging.getLogger(), *map(logging.getLogger, logging.root.manager.loggerDict)]
    levels = [(logger, logger.level) for logger in loggers]
    streams = [(handler, handler.setStream(buffer)) for handler in ours]  # type: ignore[attr-defined]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        for logger, level in levels:
            logger.setLevel(level)
        for handler, stream in streams:
            handler.setStream(stream)  # type: ignore[attr-defined]


def _link(message: EmailMessage, path: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+)", str(message.body))
    assert match, message.body
    return match.group(1)


def _journey(owner: User, org: Organization, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Sign up, confirm, make and use an API key, reset the password, accept an
    invitation, and stumble on the way; return every secret handed out."""
    secrets = [FIRST_PASSWORD, SECOND_PASSWORD]
    browser = Client()
    signup = {"email": EMAIL, "password1": FIRST_PASSWORD, "password2": FIRST_PASSWORD}
    assert browser.post("/accounts/signup/", signup).status_code == 302
    confirm = _link(mail.outbox[-1], "/accounts/confirm-email/")
    secrets.append(confirm.rstrip("/").rsplit("/", 1)[-1])
    # A mangled link, a link without its slash, a form posted without its CSRF token.
    mangled = browser.get(confirm[:-3] + "/")
    assert mangled.status_code == 200
    assert "expired or is invalid" in mangled.content.decode()
    assert browser.get(confirm.rstrip("/")).status_code == 301  # APPEND_SLASH
    Client(enforce_csrf_checks=True).post(confirm)
    assert browser.get(confirm).status_code == 200
    assert browser.post(confirm).status_code == 302

    api = APIClient()
    api.force_login(User.objects.get(email=EMAIL))
    created = api.post("/api/v1/api-keys", {"name": "laptop"}, format="json")
    assert created.status_code == 201, created.content
    key = created.json()["key"]
    secrets.append(key)
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert bearer.get("/api/v1/me").status_code == 200
    assert bearer.get(f"/api/v1/me?key={key}&token={key}").status_code == 200
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION=f"Bearer {key[:-2]}xx")
    assert wrong.get("/api/v1/me").status_code == 401

    browser.logout()
    assert browser.post("/accounts/password/reset/", {"email": EMAIL}).status_code == 302
    reset = _link(mail.outbox[-1], "/accounts/password/reset/key/")
    secrets.append(reset.rstrip("/").rsplit("/", 1)[-1].split("-", 1)[1])
    Client(enforce_csrf_checks=True).post(reset, {"password1": "x", "password2": "y"})
    form = browser.get(reset, follow=True)
    assert form.status_code == 200
    action = form.redirect_chain[-1][0] if form.redirect_chain else reset
    new = {"password1": SECOND_PASSWORD, "password2": SECOND_PASSWORD}
    assert browser.post(action, new).status_code == 302
    assert browser.get(reset).status_code == 200  # used: allauth says the link is bad

    invitation_create(actor=owner, organization=org, email=EMAIL)
    link = re.search(r"https?://\S+", str(mail.outbox[-1].body))
    assert link, mail.outbox[-1].body
    token = parse_qs(urlparse(link.group(0)).query)["token"][0]
    secrets.append(token)
    assert (
        browser.post("/accounts/login/", {"login": EMAIL, "password": SECOND_PASSWORD}).status_code
        == 302
    )
    accept = urlparse(link.group(0))
    assert browser.get(f"{accept.path}?{accept.query}").status_code == 302
    assert browser.post(accept.path).status_code == 302

    # Server errors while a secret is in the URL: Django logs the request.
    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the page broke")

    failing = Client(raise_request_exception=False)
    with monkeypatch.context() as patch:
        patch.setattr(invitation_views, "redirect", crash)
        assert failing.get(f"{accept.path}?{accept.query}").status_code == 500
        patch.setattr(ConfirmEmailView, "get_object", crash)
        assert failing.get(confirm).status_code == 500

    # What runserver logs for each request (django.core.servers.basehttp).
    logging.getLogger("django.server").warning(
        '"%s" %s %s', f"GET {confirm}?token={token} HTTP/1.1", "404", "179"
    )
    return secrets


def test_no_secret_of_the_whole_journey_reaches_the_logs(
    owner: User, org: Organization, log_output: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = _journey(owner, org, monkeypatch)
    written = log_output.getvalue()
    assert '"logger": "idverify.access"' in written
    assert '"logger": "django.request"' in written
    assert '"logger": "django.security.csrf"' in written
    leaked = [secret for secret in secrets if secret in written]
    assert not leaked, "\n".join(
        line for line in written.splitlines() if any(s in line for s in leaked)
    )
    # What is redacted is still recognisable.
    assert "/accounts/confirm-email/[redacted]/" in written
    assert "/accounts/password/reset/key/" in written
    assert "/invitations/accept?token=[redacted]" in written
