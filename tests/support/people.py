"""People of documented access, the test base every access test is written against.

| fixture     | who                                                              |
|-------------|------------------------------------------------------------------|
| org         | a verified customer organisation                                 |
| owner       | org_admin of ``org``                                             |
| teammate    | plain member of ``org``                                          |
| outsider    | org_admin of ``other_org`` (a different customer), nothing in org |
| officer     | compliance officer of the operator organisation (service-wide)   |
| stranger    | signed up, belongs to no organisation                            |
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, User
from accounts.services import api_key_create
from tests.support.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def org(db: None) -> Organization:
    return OrganizationFactory.create(legal_name="Owner Org Inc.")


@pytest.fixture
def other_org(db: None) -> Organization:
    return OrganizationFactory.create(legal_name="Outsider Org LLC")


@pytest.fixture
def operator_org(db: None) -> Organization:
    return OrganizationFactory.create(legal_name="Operator", kind=Organization.Kind.OPERATOR)


@pytest.fixture
def owner(org: Organization) -> User:
    user: User = MembershipFactory.create(
        organization=org, role=Membership.Role.ORG_ADMIN, user__email="owner@example.com"
    ).user
    return user


@pytest.fixture
def teammate(org: Organization) -> User:
    user: User = MembershipFactory.create(
        organization=org, role=Membership.Role.MEMBER, user__email="teammate@example.com"
    ).user
    return user


@pytest.fixture
def outsider(other_org: Organization) -> User:
    user: User = MembershipFactory.create(
        organization=other_org, role=Membership.Role.ORG_ADMIN, user__email="outsider@example.com"
    ).user
    return user


@pytest.fixture
def officer(operator_org: Organization) -> User:
    user: User = MembershipFactory.create(
        organization=operator_org,
        role=Membership.Role.COMPLIANCE_OFFICER,
        user__email="officer@example.com",
    ).user
    return user


@pytest.fixture
def stranger(db: None) -> User:
    user: User = UserFactory.create(email="stranger@example.com")
    return user


@pytest.fixture
def api_client_for(db: None) -> Callable[[User | None], APIClient]:
    """An API client that authenticates the way programs do: a real personal access token."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            key = api_key_create(user=user, name="tests").plaintext
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return make
