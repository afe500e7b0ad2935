"""token_facts: what decide() reads about a person in one statement, held to the rows.

The evidence part is held to attestations.selectors.verification_status elsewhere
(tests/attestations/test_verification_levels.py); here, the revocations and holds.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from django.db.models import F, Max, Q
from django.utils import timezone

from accounts.models import Membership, Organization, User
from entitlements import token_store
from entitlements.models import UserRevocation
from entitlements.services.revocations import user_revocation_lift, user_revoke, users_tokens_void
from tests.entitlements.support import person
from tests.support.factories import MembershipFactory

# Also run on SQLite (scripts/test.sh), the quick start's database.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _by_orm(user: User, since: datetime) -> tuple[datetime | None, datetime | None]:
    """The newest withdrawal still in force, and the latest cutoff at or after ``since``."""
    rows = UserRevocation.objects.filter(user=user)
    found = rows.aggregate(
        withdrawn=Max("created_at", filter=Q(blocks_issuance=True, lifted_at__isnull=True)),
        cutoff=Max("cutoff_at", filter=Q(cutoff_at__gte=since)),
    )
    return found["withdrawn"], found["cutoff"]


def _facts(user: User) -> token_store.TokenFacts:
    now = timezone.now()
    facts = token_store.token_facts(user=user, at=now, since=now - timedelta(seconds=1))
    assert (facts.withdrawn_at, facts.cutoff_at) == _by_orm(user, now - timedelta(seconds=1))
    # The token request's read (with the tier, and on PostgreSQL the ids) reads the same.
    _, with_tier = token_store.tier_and_token_facts(
        slug="no-such-tier", user=user, at=now, since=now - timedelta(seconds=1)
    )
    assert replace(with_tier, reserved_ids=None) == facts
    return facts


def _age_cutoffs(user: User) -> None:
    UserRevocation.objects.filter(user=user).update(
        cutoff_at=F("cutoff_at") - timedelta(seconds=10)
    )


def test_nothing_in_force_reads_as_nothing() -> None:
    facts = _facts(person(2))

    assert (facts.withdrawn_at, facts.cutoff_at) == (None, None)
    assert facts.status.level == 2
    assert (facts.person_hold, facts.organization_hold) == (None, None)


def test_a_withdrawal_stays_in_force_until_lifted_and_its_cutoff_passes(
    officer: User, operator_org: Organization
) -> None:
    user = person(2)
    first = user_revoke(actor=officer, user=user, reason="Export licence review")
    facts = _facts(user)
    assert facts.withdrawn_at == first.created_at
    assert facts.cutoff_at is not None

    _age_cutoffs(user)
    assert _facts(user).withdrawn_at == first.created_at  # still blocks, cutoff or not

    other = MembershipFactory.create(
        organization=operator_org, role=Membership.Role.COMPLIANCE_OFFICER
    ).user
    user_revocation_lift(actor=other, user=user, reason="Review closed")
    lifted = _facts(user)
    assert lifted.withdrawn_at is None

    _age_cutoffs(user)
    assert (_facts(user).withdrawn_at, _facts(user).cutoff_at) == (None, None)


def test_a_voiding_is_a_cutoff_only_while_it_is_recent() -> None:
    user = person(2)
    users_tokens_void(users=[user], reason="Sponsorship revoked")
    facts = _facts(user)
    assert facts.withdrawn_at is None
    assert facts.cutoff_at is not None

    _age_cutoffs(user)
    assert _facts(user).cutoff_at is None


def test_another_persons_revocations_are_not_read(officer: User) -> None:
    user, neighbour = person(2), person(2, email="neighbour@example.com")
    user_revoke(actor=officer, user=neighbour, reason="Export licence review")

    assert (_facts(user).withdrawn_at, _facts(user).cutoff_at) == (None, None)
