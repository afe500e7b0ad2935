"""Limits hold under concurrency: a burst of requests against PostgreSQL stores exactly
the limit, because each request counts under the lock it then writes under.

Real threads, each with its own database connection, start together at a barrier.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections
from django.db.models import Sum
from rest_framework.test import APIClient

from accounts.models import Invitation, Organization, User
from accounts.services.api_keys import api_key_create
from accounts.services.invitations import invitation_create, invitation_resend
from accounts.services.users import user_create
from idverify.errors import Conflict, ValidationFailed
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db(transaction=True)

# Connections are shared by every engineer's tests on one server: a pool, not one each.
WORKERS = 16
BURST = 48


def burst(call: Callable[[int], Any], count: int = BURST) -> list[Any]:
    """Run ``call(0..count-1)`` on WORKERS threads that start together; results in order
    (an exception is returned, not raised)."""
    barrier = threading.Barrier(min(WORKERS, count))

    def run(n: int) -> Any:
        try:
            if n < WORKERS:
                barrier.wait(timeout=30)
            return call(n)
        except Exception as exc:  # the caller inspects each outcome
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def pending(org: Organization, settings: Any) -> Organization:
    settings.IDV_PENDING_ORG_INVITATIONS = 10
    Organization.objects.filter(pk=org.pk).update(status=Organization.Status.PENDING)
    org.refresh_from_db()
    return org


def test_a_burst_of_invitations_stores_exactly_the_pending_organisations_cap(
    owner: User, pending: Organization
) -> None:
    key = api_key_create(user=owner, name="burst").plaintext
    url = f"/api/v1/organizations/{pending.public_id}/invitations"

    def invite(n: int) -> Any:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client.post(url, {"email": f"p{n}@example.com"}, format="json")

    responses = burst(invite)
    created = [r for r in responses if getattr(r, "status_code", None) == 201]
    refused = [r for r in responses if getattr(r, "status_code", None) == 409]
    assert len(created) == 10
    assert len(refused) == BURST - 10
    for response in refused:
        assert_api_error(response, 409, "pending_organization_limit")
    assert Invitation.objects.filter(organization=pending).count() == 10


def test_a_burst_of_resends_stops_at_the_cap_too(owner: User, pending: Organization) -> None:
    first = [
        invitation_create(actor=owner, organization=pending, email=f"r{n}@example.com")
        for n in range(4)
    ]

    def resend(n: int) -> Any:
        return invitation_resend(actor=owner, organization=pending, invitation=first[n % 4])

    outcomes = burst(resend, count=24)
    assert sum(isinstance(o, Invitation) for o in outcomes) == 6
    assert all(isinstance(o, Invitation | Conflict) for o in outcomes), outcomes
    sent = Invitation.objects.filter(organization=pending).aggregate(s=Sum("generation"))["s"]
    assert sent == 10


def test_two_sign_ups_with_one_address_at_once_give_one_account_and_a_clear_error() -> None:
    outcomes = burst(lambda n: user_create(email="Twin@Example.com"), count=WORKERS)
    assert sum(isinstance(o, User) for o in outcomes) == 1
    errors = [o for o in outcomes if not isinstance(o, User)]
    assert all(isinstance(e, ValidationFailed) and "email" in e.fields for e in errors), errors
    assert User.objects.filter(email="twin@example.com").count() == 1
