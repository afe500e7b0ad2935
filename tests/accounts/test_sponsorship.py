"""Signing officials sponsor members; revoking or suspending drops the level at once."""

from __future__ import annotations

from typing import Any

import pytest

from accounts import signals
from accounts.models import Membership, Organization, Sponsorship, User
from accounts.services.organizations import organization_suspend
from accounts.services.sponsorships import (
    organization_sponsorships_revoke,
    sponsorship_create,
    sponsorship_revoke,
)
from attestations.selectors import verification_status
from audit.models import AuditEvent
from idverify.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.attestations.factories import AttestationFactory
from tests.support.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signer(org: Organization) -> User:
    return MembershipFactory.create(organization=org, role=Membership.Role.SIGNING_OFFICIAL).user


def test_a_signing_official_sponsors_a_member(
    signer: User, org: Organization, teammate: User
) -> None:
    AttestationFactory.create(user=teammate)
    sponsorship = sponsorship_create(
        actor=signer, organization=org, user=teammate, basis="I-9 on file"
    )
    assert verification_status(user=teammate).level == 2
    event = AuditEvent.objects.get(action="sponsorship.created")
    assert event.subject_id == str(teammate.public_id)
    assert event.data["basis"] == "I-9 on file"
    assert sponsorship.expires_at > sponsorship.starts_at


@pytest.mark.parametrize("who", ["owner", "teammate", "outsider"])
def test_only_signing_officials_of_that_organisation_sponsor(
    who: str, request: pytest.FixtureRequest, org: Organization, teammate: User
) -> None:
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        sponsorship_create(actor=actor, organization=org, user=teammate, basis="I-9 on file")
    assert not Sponsorship.objects.exists()


def test_sponsoring_needs_a_verified_organisation_a_member_and_a_basis(
    signer: User, org: Organization, teammate: User, outsider: User
) -> None:
    with pytest.raises(ValidationFailed):
        sponsorship_create(actor=signer, organization=org, user=teammate, basis="  ")
    with pytest.raises(NotFound):
        sponsorship_create(actor=signer, organization=org, user=outsider, basis="I-9")
    sponsorship_create(actor=signer, organization=org, user=teammate, basis="I-9")
    with pytest.raises(Conflict, match="already sponsored"):
        sponsorship_create(actor=signer, organization=org, user=teammate, basis="I-9")
    Organization.objects.filter(pk=org.pk).update(status=Organization.Status.PENDING)
    with pytest.raises(Conflict, match="must be verified"):
        sponsorship_create(actor=signer, organization=org, user=teammate, basis="I-9")


def test_revoking_drops_the_level_and_announces_it_after_commit(
    signer: User, org: Organization, teammate: User, django_capture_on_commit_callbacks: Any
) -> None:
    AttestationFactory.create(user=teammate)
    sponsorship = sponsorship_create(actor=signer, organization=org, user=teammate, basis="I-9")
    heard: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        heard.append(kwargs)

    signals.sponsorship_revoked.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            sponsorship_revoke(actor=signer, sponsorship=sponsorship, reason="left the company")
    finally:
        signals.sponsorship_revoked.disconnect(receiver)
    assert verification_status(user=teammate).level == 1
    assert [h["user"] for h in heard] == [teammate]
    assert heard[0]["reason"] == "left the company"
    assert AuditEvent.objects.filter(action="sponsorship.revoked").count() == 1


def test_an_officer_suspends_an_organisation_and_all_its_sponsorships(
    signer: User, org: Organization, teammate: User, officer: User
) -> None:
    AttestationFactory.create(user=teammate)
    sponsorship_create(actor=signer, organization=org, user=teammate, basis="I-9")
    with pytest.raises(PermissionDenied):
        organization_suspend(actor=signer, organization=org, reason="x")
    organization_suspend(actor=officer, organization=org, reason="fraud investigation")
    assert Sponsorship.objects.get().status == Sponsorship.Status.SUSPENDED
    assert verification_status(user=teammate).level == 1


def test_an_officer_revokes_every_sponsorship_of_an_organisation(
    signer: User, org: Organization, teammate: User, owner: User, officer: User
) -> None:
    sponsorship_create(actor=signer, organization=org, user=teammate, basis="I-9")
    sponsorship_create(actor=signer, organization=org, user=owner, basis="I-9")
    with pytest.raises(PermissionDenied):
        organization_sponsorships_revoke(actor=signer, organization=org, reason="x")
    assert organization_sponsorships_revoke(actor=officer, organization=org, reason="audit") == 2
    assert not Sponsorship.objects.filter(status=Sponsorship.Status.ACTIVE).exists()
