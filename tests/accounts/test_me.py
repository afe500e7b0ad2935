"""GET /api/v1/me: the caller, with each organisation they belong to and their role there.

A machine asks this many times a second, so each process answers from the memberships it
read in the last IDV_API_KEY_CACHE_SECONDS (accounts.selectors.memberships): a change made
here shows at once, one made by another process when the copy lapses."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.apis.account import MeApi
from accounts.models import Membership, Organization, User
from accounts.selectors.memberships import membership_roles
from tests.support.clock import ReadsClock
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


def _membership_reads(client: APIClient) -> tuple[list[str], int]:
    """The organisations /me lists and how many times it read memberships to say so."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/me")
    assert response.status_code == 200
    reads = sum("o.legal_name, m.role" in q["sql"] for q in queries.captured_queries)
    return [m["organization_name"] for m in response.json()["memberships"]], reads


def test_me_reads_memberships_once_until_the_copy_lapses(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    recent_reads_clock: ReadsClock,
) -> None:
    client = api_client_for(teammate)
    first, reads = _membership_reads(client)
    assert reads == 1
    recent_reads_clock.now += 4.9
    assert _membership_reads(client) == (first, 0)
    recent_reads_clock.now += 0.2
    assert _membership_reads(client) == (first, 1)


def test_a_membership_or_organisation_changed_here_shows_at_once(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    org: Organization,
    other_org: Organization,
    recent_reads_clock: ReadsClock,
) -> None:
    client = api_client_for(teammate)
    assert _membership_reads(client)[0] == [org.legal_name]
    joined = Membership.objects.create(
        user=teammate, organization=other_org, role=Membership.Role.MEMBER
    )
    assert _membership_reads(client)[0] == [org.legal_name, other_org.legal_name]
    other_org.legal_name = "Renamed Ltd."
    other_org.save()
    assert _membership_reads(client)[0] == [org.legal_name, "Renamed Ltd."]
    joined.delete()
    assert _membership_reads(client)[0] == [org.legal_name]


def test_a_change_made_by_another_process_shows_when_the_copy_lapses(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    org: Organization,
    recent_reads_clock: ReadsClock,
) -> None:
    client = api_client_for(teammate)
    assert _membership_reads(client)[0] == [org.legal_name]
    # A queryset update sends no signal: as if another process had made it.
    Organization.objects.filter(pk=org.pk).update(legal_name="Elsewhere Inc.")
    recent_reads_clock.now += 4.9
    assert _membership_reads(client)[0] == [org.legal_name]
    recent_reads_clock.now += 0.2
    assert _membership_reads(client)[0] == ["Elsewhere Inc."]


def test_with_no_seconds_to_keep_memberships_are_read_every_time(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    recent_reads_clock: ReadsClock,
    settings: Any,
) -> None:
    settings.IDV_API_KEY_CACHE_SECONDS = 0
    client = api_client_for(teammate)
    assert [_membership_reads(client)[1] for _ in range(3)] == [1, 1, 1]


def test_each_person_is_told_their_own_memberships(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    owner: User,
    other_org: Organization,
    recent_reads_clock: ReadsClock,
) -> None:
    Membership.objects.create(user=owner, organization=other_org, role=Membership.Role.ORG_ADMIN)
    mine = _membership_reads(api_client_for(teammate))[0]
    theirs = _membership_reads(api_client_for(owner))[0]
    assert other_org.legal_name in theirs
    assert other_org.legal_name not in mine


def test_a_held_copy_grants_nothing_a_role_check_reads_the_database(
    api_client_for: Callable[[User | None], APIClient],
    owner: User,
    teammate: User,
    org: Organization,
    recent_reads_clock: ReadsClock,
) -> None:
    client = api_client_for(owner)
    members = f"/api/v1/organizations/{org.public_id}/members"

    def listed() -> int:
        response = client.get(members)
        assert response.status_code == 200
        return len(response.json())

    assert client.get("/api/v1/me").json()["memberships"][0]["role"] == "org_admin"
    assert listed() == 2  # an admin sees every member
    # Demoted by another process (no signal reaches this one's copy).
    Membership.objects.filter(user=owner, organization=org).update(role=Membership.Role.MEMBER)
    assert client.get("/api/v1/me").json()["memberships"][0]["role"] == "org_admin"  # the copy
    assert listed() == 1  # but the role check already reads "member": their own row only
