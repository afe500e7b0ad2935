"""Roles: admins run members, only signing officials handle signing authority."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, RosterEntry, Sponsorship, User
from accounts.services.memberships import membership_remove, membership_role_set
from accounts.services.sponsorships import sponsorship_create
from audit.models import AuditEvent
from idverify.errors import Conflict, PermissionDenied, ValidationFailed
from tests.accounts.factories import signing_official
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db


def _role(user: User, org: Organization) -> str:
    return Membership.objects.get(user=user, organization=org).role


def test_an_admin_promotes_a_member_to_admin(
    owner: User, teammate: User, org: Organization
) -> None:
    membership_role_set(actor=owner, organization=org, user=teammate, role="org_admin")
    assert _role(teammate, org) == "org_admin"
    event = AuditEvent.objects.get(action="membership.changed")
    assert event.data == {"role": "org_admin", "previous_role": "member"}


def test_only_a_signing_official_grants_or_takes_signing_authority(
    owner: User, teammate: User, org: Organization
) -> None:
    with pytest.raises(PermissionDenied, match="signing official"):
        membership_role_set(actor=owner, organization=org, user=teammate, role="signing_official")
    signer = signing_official(org)
    membership_role_set(actor=signer, organization=org, user=teammate, role="signing_official")
    with pytest.raises(PermissionDenied):
        membership_role_set(actor=owner, organization=org, user=teammate, role="member")


def test_the_last_signing_official_cannot_step_down_or_be_removed(
    owner: User, org: Organization
) -> None:
    signer = signing_official(org)
    with pytest.raises(Conflict, match="only signing official"):
        membership_role_set(actor=signer, organization=org, user=signer, role="member")
    with pytest.raises(Conflict, match="only signing official"):
        membership_remove(actor=signer, organization=org, user=signer)
    second = signing_official(org, "second@example.com")
    membership_role_set(actor=second, organization=org, user=signer, role="member")
    assert _role(signer, org) == "member"


def test_members_and_outsiders_change_nothing(
    owner: User, teammate: User, outsider: User, org: Organization
) -> None:
    for actor in (teammate, outsider):
        with pytest.raises(PermissionDenied):
            membership_role_set(actor=actor, organization=org, user=owner, role="member")
        with pytest.raises(PermissionDenied):
            membership_remove(actor=actor, organization=org, user=owner)
    assert _role(owner, org) == "org_admin"


def test_roles_are_limited_to_the_three_an_organisation_uses(
    owner: User, teammate: User, org: Organization
) -> None:
    with pytest.raises(ValidationFailed):
        membership_role_set(actor=owner, organization=org, user=teammate, role="compliance_officer")


def test_removing_a_sponsored_member_revokes_the_sponsorship_on_the_record(
    owner: User, teammate: User, org: Organization
) -> None:
    signer = signing_official(org)
    sponsorship_create(actor=signer, organization=org, user=teammate, basis="I-9 on file")
    RosterEntry.objects.create(
        organization=org, email=teammate.email, given_name="T", family_name="M", user=teammate
    )
    with pytest.raises(PermissionDenied, match="sponsored"):
        membership_remove(actor=owner, organization=org, user=teammate)
    membership_remove(actor=signer, organization=org, user=teammate)
    assert not Membership.objects.filter(user=teammate, organization=org).exists()
    assert Sponsorship.objects.get(user=teammate).status == Sponsorship.Status.REVOKED
    assert RosterEntry.objects.get(email=teammate.email).user is None
    assert AuditEvent.objects.filter(action="membership.removed").count() == 1


def test_roles_through_the_api(
    api_client_for: Callable[[User | None], APIClient],
    owner: User,
    teammate: User,
    org: Organization,
) -> None:
    url = f"/api/v1/organizations/{org.public_id}/members/{teammate.public_id}"
    client = api_client_for(owner)
    changed = client.patch(url, {"role": "org_admin"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["role"] == "org_admin"
    assert_api_error(
        client.patch(url, {"role": "king"}, format="json"), 400, "invalid", field="role"
    )
    assert client.delete(url).status_code == 204
    assert_api_error(client.delete(url), 404, "not_found")
