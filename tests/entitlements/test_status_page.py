"""The person's status page lists each model and whether their evidence meets it."""

from __future__ import annotations

import pytest
from django.test import Client

from entitlements.models import DirectiveState
from entitlements.services.tiers import tier_directive_set
from tests.entitlements.support import person, tier

pytestmark = pytest.mark.django_db


def test_the_status_page_says_which_models_the_person_may_use(
    client: Client, officer: object
) -> None:
    tier("fable-5", name="Fable 5", min_level=2, us_person_required=True)
    tier("mythos-5", name="Mythos 5", min_level=3, sponsorship_required=True)
    citizen = person(level=2, status="us_citizen")
    client.force_login(citizen)
    html = client.get("/status/").content.decode()
    fable = html.split("Fable 5", 1)[1].split("</tr>", 1)[0]
    mythos = html.split("Mythos 5", 1)[1].split("</tr>", 1)[0]
    assert "Meets it" in fable
    assert "Not yet" in mythos
    assert "needs verification level 3" in mythos


def test_a_suspended_model_shows_as_suspended_for_everyone(client: Client, officer: object) -> None:
    tier("fable-5", name="Fable 5", min_level=2, us_person_required=True)
    tier_directive_set(
        actor=officer,  # type: ignore[arg-type]
        slug="fable-5",
        state=DirectiveState.SUSPENDED,
        reason="emergency order",
    )
    client.force_login(person(level=3, status="us_citizen"))
    row = client.get("/status/").content.decode().split("Fable 5", 1)[1].split("</tr>", 1)[0]
    assert "Suspended for everyone" in row
    assert "Not yet" in row
