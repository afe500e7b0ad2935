"""GET /api/v1/me: the caller, with each organisation they belong to and their role there."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.apis.account import MeApi
from accounts.models import Membership, Organization, User

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
    memberships = teammate.memberships.select_related("organization")
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
