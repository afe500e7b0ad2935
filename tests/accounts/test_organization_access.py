"""Who may see an organisation's members: owner, teammate, outsider, officer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import Organization, User
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db


def _members(client: APIClient, org: Organization) -> object:
    return client.get(f"/api/v1/organizations/{org.public_id}/members")


def test_the_owner_sees_every_member(
    api_client_for: Callable[[User | None], APIClient],
    org: Organization,
    owner: User,
    teammate: User,
) -> None:
    response = _members(api_client_for(owner), org)
    assert response.status_code == 200  # type: ignore[attr-defined]
    emails = [m["email"] for m in response.json()]  # type: ignore[attr-defined]
    assert emails == ["owner@example.com", "teammate@example.com"]


def test_a_teammate_sees_only_themself(
    api_client_for: Callable[[User | None], APIClient],
    org: Organization,
    owner: User,
    teammate: User,
) -> None:
    response = _members(api_client_for(teammate), org)
    assert [m["email"] for m in response.json()] == ["teammate@example.com"]  # type: ignore[attr-defined]


def test_an_outsider_cannot_tell_the_organisation_exists(
    api_client_for: Callable[[User | None], APIClient],
    org: Organization,
    owner: User,
    outsider: User,
) -> None:
    assert_api_error(_members(api_client_for(outsider), org), 404, "not_found")
    made_up = APIClient()
    made_up.force_authenticate(outsider)
    response = made_up.get("/api/v1/organizations/00000000-0000-0000-0000-000000000000/members")
    assert_api_error(response, 404, "not_found")
    assert_api_error(made_up.get("/api/v1/organizations/not-a-uuid/members"), 404, "not_found")


def test_the_compliance_officer_sees_every_organisation(
    api_client_for: Callable[[User | None], APIClient],
    org: Organization,
    owner: User,
    teammate: User,
    officer: User,
) -> None:
    response = _members(api_client_for(officer), org)
    assert len(response.json()) == 2  # type: ignore[attr-defined]


def test_a_compliance_officer_role_in_a_customer_org_is_not_service_wide(
    api_client_for: Callable[[User | None], APIClient], org: Organization, other_org: Organization
) -> None:
    from accounts.models import Membership
    from tests.support.factories import MembershipFactory

    local = MembershipFactory.create(
        organization=other_org, role=Membership.Role.COMPLIANCE_OFFICER
    ).user
    assert_api_error(_members(api_client_for(local), org), 404, "not_found")


def test_anonymous_callers_are_asked_to_authenticate(org: Organization) -> None:
    assert_api_error(_members(APIClient(), org), 401, "not_authenticated")
