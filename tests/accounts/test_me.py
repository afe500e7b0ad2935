"""GET /api/v1/me: the caller, with each organisation they belong to and their role there."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.apis.account import MeApi
from accounts.models import Membership, Organization, User
from accounts.selectors.memberships import membership_roles
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_me_names_the_caller_and_every_membership_in_the_documented_shape(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    other_org: Organization,
) -> None:
    Membership.objects.create(user=teammate, organization=other_org, role=Membership.Role.ORG_ADMIN)
    response = api_client_for(teammate).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    # In the order they were made, as the endpoint lists them.
    memberships = teammate.memberships.select_related("organization").order_by("id")
    # What the documented serializer renders, value for value (the view builds it directly).
    documented = MeApi.OutputSerializer(
        {
            "public_id": teammate.public_id,
            "email": teammate.email,
            "full_name": teammate.full_name,
            "memberships": memberships,
        }
    ).data
    assert body == documented
    assert body["id"] == str(teammate.public_id)
    assert sorted((m["organization_name"], m["role"]) for m in body["memberships"]) == sorted(
        (m.organization.legal_name, m.role) for m in memberships
    )
    assert len(body["memberships"]) == 2


@pytest.mark.sqlite
def test_the_memberships_read_as_the_orm_reads_them(
    teammate: User, other_org: Organization
) -> None:
    Membership.objects.create(
        user=teammate, organization=other_org, role=Membership.Role.SIGNING_OFFICIAL
    )
    expected = list(
        teammate.memberships.order_by("id").values_list(
            "organization__public_id", "organization__legal_name", "role"
        )
    )
    assert membership_roles(user=teammate) == expected
    assert len(expected) == 2
    assert all(isinstance(org, uuid.UUID) for org, _, _ in expected)
    assert membership_roles(user=UserFactory.create()) == []
