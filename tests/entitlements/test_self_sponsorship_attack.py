"""The attack: register an organisation, sponsor yourself, type your passport's lines, and
ask for the restricted model. No second person was involved, so no token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts import declarations
from accounts.models import Membership, Organization, Sponsorship, User
from attestations.selectors import declaration_current
from entitlements.models import IssuedToken
from tests.attestations.mrz_samples import td3
from tests.entitlements.support import US_CALIFORNIA, tier
from tests.support.api import assert_api_error, json_body
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]

ApiClientFor = Callable[[User | None], APIClient]


def _ok(response: object, status: int = 201) -> dict[str, object]:
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    body: dict[str, object] = json_body(response)
    return body


def _registered_and_attested(client: APIClient, officer_client: APIClient) -> str:
    """The registrant's organisation, verified by an officer; the registrant's level-1
    attestation. Returns the organisation's id."""
    org = _ok(
        client.post(
            "/api/v1/organizations",
            {
                "legal_name": "Solo Holdings Inc.",
                "country_of_incorporation": "US",
                "state_of_incorporation": "US-DE",
                "ein": "04-2103594",
                "signature_name": "Anna Maria Eriksson",
                "declaration_sha256": declarations.CURRENT.sha256,
                "declaration_accepted": True,
            },
            format="json",
        )
    )
    _ok(
        officer_client.post(
            f"/api/v1/organizations/{org['id']}/verify", {"reason": "EIN letter seen"}
        ),
        200,
    )
    _ok(
        client.post(
            "/api/v1/attestations",
            {
                "status": "us_citizen",
                "given_names": "Anna Maria",
                "family_name": "Eriksson",
                "date_of_birth": "1974-08-12",
                "country_of_birth": "US",
                "citizenships": ["US"],
                "declaration_version": declaration_current().version,
                "signature_name": "Anna Maria Eriksson",
                "perjury_acknowledged": True,
            },
            format="json",
            REMOTE_ADDR=US_CALIFORNIA,
        )
    )
    return str(org["id"])


def test_a_signing_official_who_sponsors_themselves_gets_no_mythos_token(
    api_client_for: ApiClientFor, officer: User, settings: Any
) -> None:
    # The attack as found: an operator who lets typed lines pass (off by default now).
    settings.IDV_TYPED_MRZ_PASSES = True
    tier(slug="mythos-5", min_level=3, us_person_required=True, sponsorship_required=True)
    registrant = UserFactory.create()
    client = api_client_for(registrant)
    org_id = _registered_and_attested(client, api_client_for(officer))

    refused = client.post(
        f"/api/v1/organizations/{org_id}/sponsorships",
        {"user": str(registrant.public_id), "basis": "I-9 on file, U.S. citizen"},
        format="json",
    )
    error = assert_api_error(refused, 403, "self_approval")
    assert "another signing official" in error["message"]
    assert not Sponsorship.objects.exists()

    document = _ok(
        client.post(
            "/api/v1/documents", {"document_type": "us_passport", "mrz": td3()}, format="json"
        )
    )
    assert document["status"] == "passed"
    token = client.post(
        "/api/v1/tokens", {"model": "mythos-5"}, format="json", REMOTE_ADDR=US_CALIFORNIA
    )
    assert token.status_code == 403, token.content
    codes = {reason["code"] for reason in json_body(token)["reasons"]}
    assert {"level.too_low", "sponsorship.required"} <= codes, codes
    assert not IssuedToken.objects.exists()

    # A second person makes the sponsorship honest: another signing official sponsors
    # the registrant. Typed lines still count for nothing, so the level stays 2.
    colleague = MembershipFactory.create(
        organization=Organization.objects.get(public_id=org_id),
        role=Membership.Role.SIGNING_OFFICIAL,
    ).user
    _ok(
        api_client_for(colleague).post(
            f"/api/v1/organizations/{org_id}/sponsorships",
            {"user": str(registrant.public_id), "basis": "I-9 on file, U.S. citizen"},
            format="json",
        )
    )
    granted = client.post(
        "/api/v1/tokens", {"model": "mythos-5"}, format="json", REMOTE_ADDR=US_CALIFORNIA
    )
    assert granted.status_code == 403, granted.content
    codes = {reason["code"] for reason in json_body(granted)["reasons"]}
    assert "sponsorship.required" not in codes
    assert "level.too_low" in codes, codes
    assert not IssuedToken.objects.exists()
