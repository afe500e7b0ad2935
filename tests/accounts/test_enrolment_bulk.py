"""Enrolment's set-based writes: the unnest statements and the ORM fallback write the same rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.enrolment import bulk
from accounts.models import Invitation, Organization, RosterEntry, User

pytestmark = pytest.mark.django_db

Insert = Callable[[type[Any], dict[str, list[Any]], int, str], list[int]]
Update = Callable[[type[Any], list[int], dict[str, list[Any]], str], None]
PATHS = [
    pytest.param(bulk._insert_unnest, bulk._update_unnest, id="postgresql-unnest"),
    pytest.param(bulk._insert_orm, bulk._update_orm, id="orm-fallback"),
]
_ROSTER_FIELDS = ("email", "given_name", "family_name", "employee_id", "department", "sponsor")


def _roster(org: Organization, emails: list[str], user: User | None = None) -> dict[str, list[Any]]:
    count = len(emails)
    return {
        "organization_id": [org.pk] * count,
        "email": emails,
        "given_name": [f"Given {e}" for e in emails],
        "family_name": ["Family"] * count,
        "employee_id": [""] * count,
        "department": ["Research & Development"] * count,
        "sponsor": [i % 2 == 0 for i in range(count)],
        "user_id": [user.pk if user and i == 0 else None for i in range(count)],
    }


@pytest.mark.parametrize(("insert", "update"), PATHS)
def test_rows_are_inserted_with_every_value_and_their_ids_returned(
    insert: Insert, update: Update, org: Organization, owner: User
) -> None:
    emails = [f"p{n}@example.com" for n in range(5)]
    ids = insert(RosterEntry, _roster(org, emails, owner), 5, "default")
    entries = RosterEntry.objects.filter(pk__in=ids).order_by("email")
    assert sorted(ids) == sorted(e.pk for e in entries)
    assert [e.email for e in entries] == emails
    first = entries[0]
    assert (first.given_name, first.department, first.sponsor, first.user_id) == (
        "Given p0@example.com",
        "Research & Development",
        True,
        owner.pk,
    )
    assert entries[1].user_id is None
    assert entries[1].sponsor is False
    # Columns left out take their defaults, per row: timestamps now, not null.
    assert all(timezone.now() - e.created_at < timedelta(minutes=1) for e in entries)


@pytest.mark.parametrize(("insert", "update"), PATHS)
def test_a_callable_default_is_called_for_each_row(
    insert: Insert, update: Update, org: Organization
) -> None:
    now = timezone.now()
    count = 3
    ids = insert(
        Invitation,
        {
            "organization_id": [org.pk] * count,
            "email": [f"i{n}@example.com" for n in range(count)],
            "expires_at": [now] * count,
            "token_digest": [f"{n:064x}" for n in range(count)],
        },
        count,
        "default",
    )
    invitations = list(Invitation.objects.filter(pk__in=ids))
    assert len({i.public_id for i in invitations}) == count
    assert {(i.role, i.generation, i.emailed_generation) for i in invitations} == {("member", 1, 0)}


@pytest.mark.parametrize(("insert", "update"), PATHS)
def test_rows_are_updated_by_id_and_no_others(
    insert: Insert, update: Update, org: Organization
) -> None:
    ids = bulk.insert_rows(RosterEntry, _roster(org, ["a@example.com", "b@example.com"]))
    untouched = bulk.insert_rows(RosterEntry, _roster(org, ["c@example.com"]))
    by_email = {e.email: e.pk for e in RosterEntry.objects.filter(pk__in=ids)}
    target = [by_email["b@example.com"], by_email["a@example.com"]]
    update(
        RosterEntry,
        target,
        {"given_name": ["Bee", "Ay"], "sponsor": [True, False], "department": ["", "Legal"]},
        "default",
    )
    values = {
        e.email: (e.given_name, e.sponsor, e.department)
        for e in RosterEntry.objects.filter(organization=org)
    }
    assert values == {
        "a@example.com": ("Ay", False, "Legal"),
        "b@example.com": ("Bee", True, ""),
        "c@example.com": ("Given c@example.com", True, "Research & Development"),
    }
    assert RosterEntry.objects.get(pk=untouched[0]).given_name == "Given c@example.com"


def test_the_two_paths_store_identical_rows(org: Organization) -> None:
    other = Organization.objects.create(legal_name="Other", status="verified")
    emails = ["x@example.com", "y@example.com", "z@example.com"]
    bulk._insert_unnest(RosterEntry, _roster(org, emails), 3, "default")
    bulk._insert_orm(RosterEntry, _roster(other, emails), 3, "default")

    def rows(organization: Organization) -> list[tuple[Any, ...]]:
        entries = RosterEntry.objects.filter(organization=organization).order_by("email")
        return list(entries.values_list(*_ROSTER_FIELDS, "user_id"))

    assert rows(org) == rows(other)


def test_a_constraint_violation_writes_nothing(org: Organization) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_rows(RosterEntry, _roster(org, ["dup@example.com", "dup@example.com"]))
    assert not RosterEntry.objects.filter(organization=org).exists()


def test_misshapen_columns_are_refused_before_anything_is_written(org: Organization) -> None:
    columns = _roster(org, ["a@example.com", "b@example.com"])
    columns["email"] = ["a@example.com"]
    with pytest.raises(ValueError, match="different lengths"):
        bulk.insert_rows(RosterEntry, columns)
    with pytest.raises(ValueError, match="no column nickname"):
        bulk.insert_rows(RosterEntry, {"nickname": ["x"]})
    with pytest.raises(ValueError, match="one value per id"):
        bulk.update_rows(RosterEntry, [1, 2], {"given_name": ["only one"]})
    assert bulk.insert_rows(RosterEntry, {"email": []}) == []
    assert not RosterEntry.objects.exists()
