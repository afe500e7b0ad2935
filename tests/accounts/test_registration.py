"""Registering an organisation: details checked, declaration signed, officer verifies."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts import declarations
from accounts.models import Membership, Organization, OrganizationDeclaration, User
from accounts.services.organizations import (
    RegistrationDetails,
    organization_register,
    organization_verify,
)
from audit.models import AuditEvent
from idverify.errors import Conflict, PermissionDenied, ValidationFailed
from tests.support.api import assert_api_error
from tests.support.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

ACME = RegistrationDetails(
    legal_name="Acme Robotics,  Inc.",
    country_of_incorporation="us",
    state_of_incorporation="DE",
    ein="042103594",
    uei="ybf7pj28p9t3",
    website_domain="https://www.Acme-Robotics.example/",
)


def _register(
    actor: User, details: RegistrationDetails = ACME, **signature: object
) -> Organization:
    kwargs: dict[str, object] = {
        "signature_name": "Ada Lovelace",
        "declaration_sha256": declarations.CURRENT.sha256,
        "declaration_accepted": True,
        **signature,
    }
    return organization_register(actor=actor, details=details, **kwargs)  # type: ignore[arg-type]


def test_registration_normalises_details_and_makes_the_registrant_a_signing_official(
    stranger: User,
) -> None:
    org = _register(stranger)
    assert org.status == Organization.Status.PENDING
    assert org.legal_name == "Acme Robotics, Inc."
    assert (org.country_of_incorporation, org.state_of_incorporation) == ("US", "US-DE")
    assert org.ein == "04-2103594"
    assert org.uei == "YBF7PJ28P9T3"
    assert org.website_domain == "acme-robotics.example"
    assert Membership.objects.get(user=stranger, organization=org).role == "signing_official"


def test_the_declaration_is_kept_with_its_version_and_hash(stranger: User) -> None:
    org = _register(stranger)
    signed = OrganizationDeclaration.objects.get(organization=org)
    assert signed.version == declarations.CURRENT.version
    assert signed.sha256 == declarations.CURRENT.sha256
    assert signed.text == declarations.CURRENT.text
    assert signed.signature_name == "Ada Lovelace"
    event = AuditEvent.objects.get(action="organization.registered")
    assert event.data["declaration_sha256"] == declarations.CURRENT.sha256
    assert event.data["ein"] == "04-2103594"


@pytest.mark.parametrize(
    ("field", "value", "phrase"),
    [
        ("ein", "07-2103594", "prefix the IRS assigns"),
        ("ein", "12-34", "nine digits"),
        ("ein", "", "must give its EIN"),
        ("uei", "0BF7PJ28P9T3", "never starts with 0"),
        ("uei", "YBF7PJ28P9TO", "never the letters O or I"),
        ("uei", "A123456789BC", "nine digits in a row"),
        ("uei", "SHORT", "exactly 12"),
        ("website_domain", "192.168.1.1", "not an IP address"),
        ("website_domain", "example.com/careers", "without a path"),
        ("country_of_incorporation", "XX", "from the list"),
        ("state_of_incorporation", "ZZ", "from the list"),
        ("legal_name", "   ", "legal name"),
    ],
)
def test_each_bad_detail_is_named_with_a_reason(
    stranger: User, field: str, value: str, phrase: str
) -> None:
    details = RegistrationDetails(**{**ACME.__dict__, field: value})
    with pytest.raises(ValidationFailed) as caught:
        _register(stranger, details)
    assert phrase in " ".join(caught.value.fields[field])
    assert not Organization.objects.exists()


def test_a_foreign_organisation_needs_no_ein_or_state(stranger: User) -> None:
    details = RegistrationDetails(legal_name="Beispiel GmbH", country_of_incorporation="DE")
    org = _register(stranger, details)
    assert (org.ein, org.state_of_incorporation) == ("", "")


def test_the_declaration_must_be_the_current_one_accepted_and_signed(stranger: User) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _register(
            stranger, signature_name=" ", declaration_sha256="0" * 64, declaration_accepted=False
        )
    assert set(caught.value.fields) == {
        "signature_name",
        "declaration_sha256",
        "declaration_accepted",
    }


def test_registering_one_ein_twice_yourself_says_it_is_waiting(stranger: User) -> None:
    _register(stranger)
    with pytest.raises(ValidationFailed) as caught:
        _register(stranger)
    assert "already registered an organisation with this EIN" in caught.value.fields["ein"][0]
    assert Organization.objects.count() == 1


def test_only_a_compliance_officer_verifies_and_gives_a_reason(
    stranger: User, officer: User
) -> None:
    org = _register(stranger)
    with pytest.raises(PermissionDenied):
        organization_verify(actor=stranger, organization=org, reason="it is us")
    with pytest.raises(ValidationFailed):
        organization_verify(actor=officer, organization=org, reason=" ")
    verified = organization_verify(actor=officer, organization=org, reason="EIN letter seen")
    assert verified.status == Organization.Status.VERIFIED
    assert verified.verified_at is not None
    assert AuditEvent.objects.get(action="organization.verified").data["reason"] == (
        "EIN letter seen"
    )


def test_an_officer_cannot_verify_an_organisation_they_registered_or_belong_to(
    officer: User, operator_org: Organization
) -> None:
    own = _register(officer)
    with pytest.raises(PermissionDenied, match="another compliance officer"):
        organization_verify(actor=officer, organization=own, reason="it is us")
    joined = OrganizationFactory.create(legal_name="Colleagues Ltd", status="pending")
    Membership.objects.create(user=officer, organization=joined, role=Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied):
        organization_verify(actor=officer, organization=joined, reason="colleagues")
    statuses = Organization.objects.filter(pk__in=[own.pk, joined.pk]).values_list("status")
    assert set(statuses) == {("pending",)}
    other = MembershipFactory.create(
        organization=operator_org, role=Membership.Role.COMPLIANCE_OFFICER
    ).user
    verified = organization_verify(actor=other, organization=own, reason="EIN letter seen")
    assert verified.status == Organization.Status.VERIFIED


def test_a_suspended_organisation_cannot_be_verified_again(
    org: Organization, officer: User
) -> None:
    Organization.objects.filter(pk=org.pk).update(status=Organization.Status.SUSPENDED)
    org.refresh_from_db()
    with pytest.raises(Conflict):
        organization_verify(actor=officer, organization=org, reason="looks fine")


def test_registering_through_the_api(
    api_client_for: Callable[[User | None], APIClient], stranger: User
) -> None:
    client = api_client_for(stranger)
    declaration = client.get("/api/v1/declarations/organization").json()
    assert declaration["sha256"] == declarations.CURRENT.sha256
    body = {
        "legal_name": "Acme Robotics, Inc.",
        "country_of_incorporation": "US",
        "state_of_incorporation": "US-DE",
        "ein": "04-2103594",
        "website_domain": "acme-robotics.example",
        "signature_name": "Ada Lovelace",
        "declaration_sha256": declaration["sha256"],
        "declaration_accepted": True,
    }
    created = client.post("/api/v1/organizations", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "pending"
    detail = client.get(f"/api/v1/organizations/{created.json()['id']}").json()
    assert detail["your_role"] == "signing_official"
    assert "at least two signing officials" in detail["recommendation"]
    again = client.post("/api/v1/organizations", {**body, "legal_name": "Other"}, format="json")
    assert_api_error(again, 400, "invalid", field="ein")


def test_an_officer_verifies_through_the_api_and_others_are_refused(
    api_client_for: Callable[[User | None], APIClient],
    stranger: User,
    officer: User,
    outsider: User,
) -> None:
    org = _register(stranger)
    url = f"/api/v1/organizations/{org.public_id}/verify"
    assert_api_error(api_client_for(stranger).post(url, {"reason": "me"}), 403, "permission_denied")
    assert_api_error(api_client_for(outsider).post(url, {"reason": "me"}), 404, "not_found")
    response = api_client_for(officer).post(url, {"reason": "checked"})
    assert response.status_code == 200
    assert response.json()["status"] == "verified"
