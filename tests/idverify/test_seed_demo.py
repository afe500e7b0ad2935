from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, User

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
