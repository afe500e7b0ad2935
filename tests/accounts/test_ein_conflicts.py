"""One EIN, two registrations: nobody squats an EIN, nobody learns who holds one.

A second registration of an EIN is not refused (the refusal told any signed-in
person that the EIN was registered): it waits for a compliance officer, who sees
both and rejects the one that is not genuine. Registrations nobody verifies expire.
Rejected and expired registrations release their EIN.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import declarations, tasks
from accounts.models import Invitation, Membership, Organization, User
from accounts.services.domain_challenges import domain_challenge_create
from accounts.services.invitations import invitation_create
from accounts.services.organizations import (
    RegistrationDetails,
    organization_register,
    organization_reject,
    organization_verify,
    organizations_expire_pending,
)
from audit.models import AuditEvent
from idverify.errors import Conflict, PermissionDenied, SelfApproval, ValidationFailed
from tests.support.api import assert_api_error, json_body
from tests.support.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

ApiClientFor = Callable[[User | None], APIClient]
EIN = "04-2103594"


def register(actor: User, legal_name: str = "Acme Robotics, Inc.") -> Organization:
    return organization_register(
        actor=actor,
        details=RegistrationDetails(
            legal_name=legal_name,
            country_of_incorporation="US",
            state_of_incorporation="US-DE",
            ein=EIN,
            website_domain="acme-robotics.example",
        ),
        signature_name="A Person",
        declaration_sha256=declarations.CURRENT.sha256,
        declaration_accepted=True,
    )


def api_registration(legal_name: str) -> dict[str, object]:
    return {
        "legal_name": legal_name,
        "country_of_incorporation": "US",
        "state_of_incorporation": "US-DE",
        "ein": "042103594",
        "signature_name": "A Person",
        "declaration_sha256": declarations.CURRENT.sha256,
        "declaration_accepted": True,
    }


def signed_in(user: User) -> Client:
    client = Client()
    sign_in_with_second_factor(client, user)
    return client


@pytest.fixture
def genuine(stranger: User) -> Organization:
    return register(stranger)


@pytest.fixture
def squatter() -> User:
    return UserFactory.create(email="squatter@example.com")


def test_a_second_registration_of_an_ein_looks_like_any_other_to_its_registrant(
    api_client_for: ApiClientFor, genuine: Organization, squatter: User
) -> None:
    client = api_client_for(squatter)
    response = client.post(
        "/api/v1/organizations", api_registration("Acme Knockoff"), format="json"
    )
    assert response.status_code == 201, response.content
    body = json_body(response)
    assert body["status"] == "pending"
    assert "already" not in response.content.decode()
    detail = json_body(client.get(f"/api/v1/organizations/{body['id']}"))
    assert detail["ein_conflicts"] == []
    assert detail["pending_expires_at"] is not None
    # The event names the conflict for the record; the registrant never sees it.
    event = AuditEvent.objects.get(action="organization.registered", subject_id=body["id"])
    assert event.data["ein_conflicts"] == [str(genuine.public_id)]


def test_the_web_form_gives_the_second_registrant_the_usual_neutral_message(
    genuine: Organization, squatter: User
) -> None:
    page = signed_in(squatter).post(
        "/organizations/register",
        {**api_registration("Acme Knockoff"), "declaration_accepted": "on"},
        follow=True,
    )
    text = page.content.decode()
    assert "waits for a compliance officer" in text
    assert "already registered" not in text
    assert "Other registrations with the EIN" not in text
    assert Organization.objects.filter(ein=EIN).count() == 2


def test_an_officer_sees_both_registrations_and_must_reject_one_before_verifying(
    api_client_for: ApiClientFor, officer: User, genuine: Organization, squatter: User
) -> None:
    claim = register(squatter, "Acme Knockoff")
    client = api_client_for(officer)
    detail = json_body(client.get(f"/api/v1/organizations/{genuine.public_id}"))
    assert [c["id"] for c in detail["ein_conflicts"]] == [str(claim.public_id)]
    assert detail["ein_conflicts"][0]["registered_by"] == "squatter@example.com"
    page = signed_in(officer).get(f"/organizations/{genuine.public_id}/").content.decode()
    assert "Other registrations with the EIN 04-2103594" in page
    assert "Acme Knockoff" in page
    listing = signed_in(officer).get("/organizations/").content.decode()
    assert listing.count("shares its EIN with another registration") == 2

    refused = client.post(
        f"/api/v1/organizations/{genuine.public_id}/verify", {"reason": "IRS letter"}, format="json"
    )
    error = assert_api_error(refused, 409, "ein_conflict")
    assert "Acme Knockoff" in error["message"]
    rejected = client.post(
        f"/api/v1/organizations/{claim.public_id}/reject",
        {"reason": "EIN belongs to Acme Robotics"},
        format="json",
    )
    assert rejected.status_code == 200, rejected.content
    assert json_body(rejected)["status"] == "rejected"
    verified = client.post(
        f"/api/v1/organizations/{genuine.public_id}/verify", {"reason": "IRS letter"}, format="json"
    )
    assert json_body(verified)["status"] == "verified"
    event = AuditEvent.objects.get(action="organization.rejected")
    assert event.data["reason"] == "EIN belongs to Acme Robotics"
    assert event.subject_id == str(claim.public_id)


def test_rejection_takes_an_officer_from_outside_and_a_reason(
    officer: User, operator_org: Organization, genuine: Organization, stranger: User
) -> None:
    with pytest.raises(PermissionDenied):
        organization_reject(actor=stranger, organization=genuine, reason="mine, undo")
    with pytest.raises(ValidationFailed) as caught:
        organization_reject(actor=officer, organization=genuine, reason="  ")
    assert "reason" in caught.value.fields
    Membership.objects.create(user=officer, organization=genuine, role="member")
    with pytest.raises(SelfApproval):
        organization_reject(actor=officer, organization=genuine, reason="rival of mine")
    assert Organization.objects.get(pk=genuine.pk).status == Organization.Status.PENDING
    assert not AuditEvent.objects.filter(action="organization.rejected").exists()


def test_only_a_pending_registration_is_rejected(officer: User, org: Organization) -> None:
    with pytest.raises(Conflict, match="suspend a verified organisation instead"):
        organization_reject(actor=officer, organization=org, reason="changed my mind")
    assert Organization.objects.get(pk=org.pk).status == Organization.Status.VERIFIED


def test_an_officer_rejects_from_the_organisation_page(
    officer: User, genuine: Organization
) -> None:
    page = signed_in(officer).post(
        f"/organizations/{genuine.public_id}/reject",
        {"reason": "No such company at this EIN"},
        follow=True,
    )
    assert "The registration is rejected" in page.content.decode()
    genuine.refresh_from_db()
    assert (genuine.status, genuine.status_reason) == ("rejected", "No such company at this EIN")


def test_a_rejected_registration_releases_its_ein_and_stops_its_links(
    officer: User, genuine: Organization, stranger: User, squatter: User
) -> None:
    link = invitation_create(actor=stranger, organization=genuine, email="colleague@example.com")
    organization_reject(actor=officer, organization=genuine, reason="Wrong EIN")
    assert Invitation.objects.get(pk=link.pk).revoked_at is not None
    assert AuditEvent.objects.get(action="organization.rejected").data["invitations_revoked"] == 1
    for act in (
        lambda: invitation_create(actor=stranger, organization=genuine, email="x@example.com"),
        lambda: domain_challenge_create(actor=stranger, organization=genuine),
        lambda: organization_verify(actor=officer, organization=genuine, reason="after all"),
    ):
        with pytest.raises(Conflict):
            act()
    fresh = register(squatter, "Acme Robotics (again)")
    event = AuditEvent.objects.get(
        action="organization.registered", subject_id=str(fresh.public_id)
    )
    assert event.data["ein_conflicts"] == []
    organization_verify(actor=officer, organization=fresh, reason="Now it checks out")


def test_an_unverified_registration_expires_and_releases_its_ein(
    officer: User, genuine: Organization, squatter: User, settings: Any
) -> None:
    settings.IDV_PENDING_ORG_DAYS = 30
    assert organizations_expire_pending() == 0
    Organization.objects.filter(pk=genuine.pk).update(
        created_at=timezone.now() - timedelta(days=30, seconds=1)
    )
    assert tasks.organizations_expire_pending.apply().get() == 1
    assert organizations_expire_pending() == 0  # nothing left to do
    genuine.refresh_from_db()
    assert genuine.status == Organization.Status.EXPIRED
    assert "30 days" in genuine.status_reason
    event = AuditEvent.objects.get(action="organization.expired")
    assert (event.actor, event.subject_id) == ("system", str(genuine.public_id))
    fresh = register(squatter)
    organization_verify(actor=officer, organization=fresh, reason="EIN letter seen")


def test_expiry_runs_hourly_from_the_schedule() -> None:
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "accounts.organizations_expire_pending" in entries


def test_a_verified_organisation_keeps_its_ein_and_a_later_claim_waits_for_an_officer(
    officer: User, genuine: Organization, squatter: User
) -> None:
    organization_verify(actor=officer, organization=genuine, reason="EIN letter seen")
    claim = register(squatter, "Acme Knockoff")
    assert claim.status == Organization.Status.PENDING
    with pytest.raises(Conflict) as caught:
        organization_verify(actor=officer, organization=claim, reason="looks fine")
    assert caught.value.instance_code == "ein_conflict"
    # The database holds the line too: one verified organisation per EIN.
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=claim.pk).update(status=Organization.Status.VERIFIED)


def test_other_people_never_see_who_else_claims_an_ein(
    api_client_for: ApiClientFor, genuine: Organization, stranger: User, squatter: User
) -> None:
    register(squatter, "Acme Knockoff")
    colleague = MembershipFactory.create(organization=genuine, role="org_admin").user
    for person in (stranger, colleague):
        body = json_body(api_client_for(person).get(f"/api/v1/organizations/{genuine.public_id}"))
        assert body["ein_conflicts"] == []
        page = signed_in(person).get(f"/organizations/{genuine.public_id}/").content.decode()
        assert "Acme Knockoff" not in page
        assert "shares its EIN" not in signed_in(person).get("/organizations/").content.decode()


def test_organisations_without_an_ein_never_conflict(officer: User) -> None:
    first = OrganizationFactory.create(status="pending", ein="")
    OrganizationFactory.create(status="pending", ein="")
    assert organization_verify(actor=officer, organization=first, reason="ok").status == "verified"
