from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Membership, User
from tests.support.people import totp_code

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_outside_the_quick_start() -> None:
    with pytest.raises(CommandError, match="only in the quick start"):
        call_command("seed_demo", stdout=StringIO())


def test_seed_demo_is_idempotent_and_prints_working_logins(settings: object) -> None:
    settings.QUICKSTART = True  # type: ignore[attr-defined]
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (User.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=out)
    # Each app's seeder adds its own people; running again adds nobody.
    assert (User.objects.count(), Membership.objects.count()) == counts
    assert counts >= (3, 3)
    text = out.getvalue()
    for email in ("officer@operator.example", "admin@acme.example", "user@acme.example"):
        assert email in text
        assert User.objects.get(email=email).check_password("demo-password-2026")


def test_the_demo_officer_and_admin_sign_in_with_the_printed_authenticator_secret(
    settings: object,
) -> None:
    settings.QUICKSTART = True  # type: ignore[attr-defined]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)  # re-seeding keeps one app per person
    text = out.getvalue()
    for email, page in (("officer@operator.example", "/console/"), ("admin@acme.example", "/")):
        secret = re.search(rf"{re.escape(email)}\s+([A-Z2-7]{{32}})$", text, re.MULTILINE)
        assert secret is not None, text
        client = Client()
        client.post("/accounts/login/", {"login": email, "password": "demo-password-2026"})
        signed_in = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret[1])})
        assert signed_in.status_code == 302
        assert client.get(page).status_code == 200
