"""Every "what to do next" sentence points at the page that does it, and that page offers
the step: in a refused token request and on the status page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import Membership, User
from attestations.models import UsPersonStatus
from entitlements.models import DirectiveState
from entitlements.services.tiers import tier_directive_set
from tests.entitlements.support import US_CALIFORNIA, person, tier
from tests.support.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]

ApiClientFor = Callable[[User | None], APIClient]

# What each step's page must offer: the form or button that takes the step.
OFFERS = {
    "/attest/": ["Attestation: step 1 of 3", "Given names", ">Continue</button>"],
    "/documents/": ["Add an identity document", "Kind of document", ">Send the document</button>"],
    "/organizations/": ["Organisations"],
}


def _refusal(api_client_for: ApiClientFor, user: User, model: str) -> dict[str, dict[str, str]]:
    response = api_client_for(user).post(
        "/api/v1/tokens", {"model": model}, format="json", REMOTE_ADDR=US_CALIFORNIA
    )
    assert response.status_code == 403, response.content
    reasons: list[dict[str, str]] = response.json()["reasons"]
    return {reason["code"]: reason for reason in reasons}


def _assert_offers_the_step(user: User, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path, follow=True)
    assert response.status_code == 200, path
    html = response.content.decode()
    for marker in OFFERS[path]:
        assert marker in html, (path, marker)
    return html


@pytest.mark.parametrize(
    ("level", "min_level", "step"),
    [(0, 1, "/attest/"), (1, 2, "/documents/"), (2, 3, "/documents/")],
)
def test_a_level_too_low_names_the_page_and_carries_its_address(
    api_client_for: ApiClientFor, settings: Settings, level: int, min_level: int, step: str
) -> None:
    tier("fable-5", min_level=min_level)
    user = person(level)
    reason = _refusal(api_client_for, user, "fable-5")["level.too_low"]
    assert "Verification page" in reason["message"]
    assert "account page" not in reason["message"]
    assert reason["url"] == settings.IDV_BASE_URL + step
    _assert_offers_the_step(user, step)


def test_a_us_persons_only_directive_sends_the_unattested_to_the_attestation(
    api_client_for: ApiClientFor, settings: Settings, officer: User
) -> None:
    tier("fable-5", min_level=1)
    tier_directive_set(
        actor=officer, slug="fable-5", state=DirectiveState.US_PERSONS_ONLY, reason="order"
    )
    user = person(0)
    reason = _refusal(api_client_for, user, "fable-5")["directive.us_persons_only"]
    assert "sign your U.S.-person attestation on the Verification page" in reason["message"]
    assert reason["url"] == settings.IDV_BASE_URL + "/attest/"
    _assert_offers_the_step(user, "/attest/")


def test_a_changed_status_is_attested_again_on_the_attestation_page(
    api_client_for: ApiClientFor, settings: Settings
) -> None:
    tier("fable-5", min_level=1, us_person_required=True)
    user = person(1, status=UsPersonStatus.NOT_US_PERSON)
    reason = _refusal(api_client_for, user, "fable-5")["us_person.required"]
    assert reason["url"] == settings.IDV_BASE_URL + "/attest/"
    _assert_offers_the_step(user, "/attest/")


def test_a_missing_sponsorship_leads_to_the_organisation_and_its_signing_officials(
    api_client_for: ApiClientFor, settings: Settings
) -> None:
    tier("fable-5", min_level=1, sponsorship_required=True)
    org = OrganizationFactory.create(legal_name="Sponsoring Corp")
    official = UserFactory.create(full_name="Sam Signer", email="sam@example.com")
    MembershipFactory.create(user=official, organization=org, role=Membership.Role.SIGNING_OFFICIAL)
    user = person(2)
    MembershipFactory.create(user=user, organization=org)
    reason = _refusal(api_client_for, user, "fable-5")["sponsorship.required"]
    assert reason["url"] == settings.IDV_BASE_URL + "/organizations/"
    html = _assert_offers_the_step(user, "/organizations/")
    detail = re.search(r'href="(/organizations/[0-9a-f-]{36}/)"', html)
    assert detail, html
    client = Client()
    client.force_login(user)
    assert "Sam Signer (sam@example.com)" in client.get(detail.group(1)).content.decode()


def test_reasons_with_nothing_to_do_on_the_site_carry_no_address(
    api_client_for: ApiClientFor, officer: User
) -> None:
    tier("fable-5", min_level=1)
    tier_directive_set(actor=officer, slug="fable-5", state=DirectiveState.SUSPENDED, reason="x")
    reason = _refusal(api_client_for, person(2), "fable-5")["directive.suspended"]
    assert "url" not in reason


@pytest.mark.parametrize(
    ("level", "status"),
    [
        (0, UsPersonStatus.US_CITIZEN),
        (1, UsPersonStatus.US_CITIZEN),
        (2, UsPersonStatus.US_CITIZEN),
        (1, UsPersonStatus.NOT_US_PERSON),
    ],
)
def test_every_link_of_the_status_page_opens_a_page_that_offers_its_step(
    level: int, status: str
) -> None:
    tier("fable-5", name="Fable 5", min_level=2, us_person_required=True)
    tier("mythos-5", name="Mythos 5", min_level=3)
    user = person(level, status=status)
    client = Client()
    client.force_login(user)
    html = client.get("/status/").content.decode()
    main = html.split('<main id="main"', 1)[1]
    steps = main.split('id="next-title"', 1)[1].split("<h2>Your documents</h2>", 1)[0]
    links = set(re.findall(r'href="(/(?:attest|documents|organizations)/)"', steps))
    assert links, steps
    for path in links:
        _assert_offers_the_step(user, path)
