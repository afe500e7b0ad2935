from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Membership, User
from attestations.models import Document
from attestations.selectors import verification_status
from entitlements.models import ModelTier
from entitlements.policy import decide
from tests.entitlements.support import signals
from tests.support.people import totp_code

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_outside_the_quick_start() -> None:
    with pytest.raises(CommandError, match="only in the quick start"):
        call_command("seed_demo", stdout=StringIO())


def test_prepare_quickstart_refuses_outside_the_quick_start_before_its_first_step() -> None:
    out = StringIO()
    with pytest.raises(CommandError, match="only in the quick start"):
        call_command("prepare_quickstart", stdout=out)
    assert out.getvalue() == ""  # not even migrate ran
    assert not User.objects.exists()


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


# Each demo person's outcome on the demo tiers, and the evidence that explains it.
OUTCOMES = {
    "cleared@acme.example": ("ial2", ["vri", "data"], [], []),
    "citizen@demo.example": (
        "ial1",
        ["vri"],
        [],
        ["level.too_low", "assurance.too_low", "sponsorship.required"],
    ),
    "typed@demo.example": (
        "none",
        [],
        ["level.too_low", "assurance.too_low"],
        ["level.too_low", "assurance.too_low", "sponsorship.required"],
    ),
    "pending@demo.example": (
        "none",
        [],
        ["level.too_low", "assurance.too_low"],
        ["level.too_low", "assurance.too_low", "sponsorship.required"],
    ),
    "visitor@demo.example": (
        "none",
        [],
        ["us_person.required"],
        ["directive.us_persons_only", "us_person.required"],
    ),
    "user@acme.example": (
        "none",
        [],
        ["level.too_low", "assurance.too_low"],
        [
            "directive.us_persons_only",
            "level.too_low",
            "assurance.too_low",
            "sponsorship.required",
        ],
    ),
}


@pytest.mark.usefixtures("seeded_places")
def test_each_demo_person_has_the_evidence_that_explains_their_outcome(
    settings: object,
) -> None:
    settings.QUICKSTART = True  # type: ignore[attr-defined]
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    fable, mythos = ModelTier.objects.get(slug="fable-5"), ModelTier.objects.get(slug="mythos-5")
    us = signals()
    for email, (ial, evd, fable_refusal, mythos_refusal) in OUTCOMES.items():
        person = User.objects.get(email=email)
        assert verification_status(user=person).assurance.ial == ial, email
        outcomes = [(fable, fable_refusal), (mythos, mythos_refusal)]
        for tier, refusal in outcomes:
            decision = decide(person, tier, us)
            assert decision.reason_codes == refusal, (email, tier.slug)
            if decision.allowed:
                assert (decision.claims["ial"], decision.claims["evd"]) == (ial, evd)
    cleared = User.objects.get(email="cleared@acme.example")
    reviewed = cleared.documents.get()
    assert reviewed.status == Document.Status.APPROVED
    assert reviewed.reviewed_by == User.objects.get(email="officer@operator.example")
    sponsorship = cleared.sponsorships.get()
    assert sponsorship.sponsored_by == User.objects.get(email="admin@acme.example")
