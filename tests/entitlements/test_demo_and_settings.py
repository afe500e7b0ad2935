"""The quick start's demo people and tiers; the token-lifetime check; the metadata document."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from entitlements.checks import check_token_lifetime
from entitlements.demo import NON_US_PERSON_EMAIL, US_PERSON_EMAIL
from entitlements.models import ModelTier
from entitlements.services.tokens import token_issue
from tests.entitlements.support import signals

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_a_person_who_gets_a_token_and_one_who_is_refused(
    settings: Settings,
) -> None:
    settings.QUICKSTART = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)  # idempotent
    assert out.getvalue().count(US_PERSON_EMAIL) == 2
    assert NON_US_PERSON_EMAIL in out.getvalue()

    fable = ModelTier.objects.get(slug="fable-5")
    mythos = ModelTier.objects.get(slug="mythos-5")
    assert (fable.min_level, fable.us_person_required, fable.directive_state) == (2, True, "open")
    assert (mythos.min_level, mythos.sponsorship_required) == (3, True)
    assert (mythos.directive_state, mythos.epoch) == ("us_persons_only", 1)

    citizen = User.objects.get(email=US_PERSON_EMAIL)
    visitor = User.objects.get(email=NON_US_PERSON_EMAIL)
    allowed = token_issue(user=citizen, tier=fable, signals=signals())
    assert allowed.token is not None
    assert allowed.claims is not None
    assert allowed.claims["usp"]["level"] == 2
    refused = token_issue(user=visitor, tier=fable, signals=signals())
    assert refused.token is None
    assert refused.decision.reason_codes == ["us_person.required"]


@pytest.mark.parametrize(("lifetime", "errors"), [(600, 0), (900, 0), (60, 0), (901, 1), (30, 1)])
def test_a_token_lifetime_outside_60_to_900_seconds_is_a_configuration_error(
    settings: Settings, lifetime: int, errors: int
) -> None:
    settings.IDV_TOKEN_LIFETIME_SECONDS = lifetime
    found = check_token_lifetime(None)
    assert len(found) == errors
    assert all(error.id == "entitlements.E001" for error in found)


def test_the_metadata_tells_verifiers_where_everything_is(
    client: Client, settings: Settings
) -> None:
    response = client.get("/.well-known/idverify")
    assert response.status_code == 200
    meta = response.json()
    base = settings.IDV_BASE_URL
    assert meta["issuer"] == base
    assert meta["jwks_uri"] == f"{base}/.well-known/jwks.json"
    assert meta["token_endpoint"] == f"{base}/api/v1/tokens"
    assert meta["introspection_endpoint"] == f"{base}/api/v1/introspect"
    assert meta["revocation_document_endpoint"] == f"{base}/api/v1/revocations"
    assert meta["tiers_endpoint"] == f"{base}/api/v1/tiers"
    assert meta["token_lifetime_seconds"] == 600
    assert meta["token_signing_alg_values_supported"] == ["EdDSA"]


def test_the_contract_endpoints_are_in_the_openapi_schema(client: Client) -> None:
    paths = set(
        client.get("/api/v1/schema/", headers={"Accept": "application/json"}).json()["paths"]
    )
    for path in (
        "/api/v1/tokens",
        "/api/v1/introspect",
        "/api/v1/revocations",
        "/api/v1/tiers",
        "/api/v1/tiers/{slug}/directive",
        "/.well-known/jwks.json",
        "/.well-known/idverify",
    ):
        assert path in paths, path
