"""The officer's side: the match queue (API and page), clearing and confirming."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, Sponsorship, User
from audit.models import AuditEvent
from screening.models import ScreeningMatch
from screening.services.snapshots import ImportResult
from screening.services.subjects import Subject, subject_screen
from tests.support.api import assert_api_error, json_body
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db
ApiFor = Callable[[User | None], APIClient]


def listed_person(user: User, *, family: str = "Rim") -> ScreeningMatch:
    outcome = subject_screen(
        subject=Subject.person(
            user=user,
            given_names="Ryong Nam",
            family_name=family,
            birth_date=dt.date(1978, 12, 5),
            countries=("KP",),
        ),
        context="test",
    )
    assert outcome.held
    (match,) = outcome.new_matches
    return match


@pytest.fixture
def held(csl_loaded: ImportResult, stranger: User) -> ScreeningMatch:
    return listed_person(stranger)


def test_the_officer_lists_pending_matches_with_both_sides_and_the_features(
    held: ScreeningMatch, officer: User, api_client_for: ApiFor
) -> None:
    response = api_client_for(officer).get("/api/v1/screening/matches?status=pending")
    body = json_body(response)
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["id"] == str(held.public_id)
    assert row["subject"]["name"] == "Ryong Nam Rim"
    assert row["entry"]["name"] == "RIM, Ryong Nam"
    assert row["features"]["birth_date"] == "match"
    assert row["user"] == str(held.user.public_id)  # type: ignore[union-attr]


@pytest.mark.parametrize("who", ["stranger", "owner", "anonymous"])
def test_nobody_but_an_officer_sees_or_decides_matches(
    held: ScreeningMatch, request: pytest.FixtureRequest, api_client_for: ApiFor, who: str
) -> None:
    client = api_client_for(None if who == "anonymous" else request.getfixturevalue(who))
    listing = client.get("/api/v1/screening/matches")
    decision = client.post(
        f"/api/v1/screening/matches/{held.public_id}/decision",
        {"decision": "clear", "reason": "mine"},
        format="json",
    )
    status, code = (401, "not_authenticated") if who == "anonymous" else (403, "permission_denied")
    assert_api_error(listing, status, code)
    assert_api_error(decision, status, code)
    held.refresh_from_db()
    assert held.status == "pending"


def test_clearing_needs_a_reason_and_is_audited(
    held: ScreeningMatch, officer: User, api_client_for: ApiFor
) -> None:
    client = api_client_for(officer)
    url = f"/api/v1/screening/matches/{held.public_id}/decision"
    assert_api_error(
        client.post(url, {"decision": "clear"}, format="json"), 400, "invalid", field="reason"
    )
    assert_api_error(
        client.post(url, {"decision": "maybe", "reason": "x"}, format="json"),
        400,
        "invalid",
        field="decision",
    )
    response = client.post(
        url, {"decision": "clear", "reason": "Different person: born 1990"}, format="json"
    )
    assert json_body(response)["status"] == "cleared"
    event = AuditEvent.objects.get(action="screening.match_cleared")
    assert event.data["reason"] == "Different person: born 1990"
    again = client.post(url, {"decision": "confirm", "reason": "changed my mind"}, format="json")
    assert_api_error(again, 409, "screening.already_decided")


def test_a_cleared_pair_stays_cleared_until_the_persons_data_changes(
    held: ScreeningMatch, officer: User, api_client_for: ApiFor
) -> None:
    api_client_for(officer).post(
        f"/api/v1/screening/matches/{held.public_id}/decision",
        {"decision": "clear", "reason": "Checked the passport"},
        format="json",
    )
    user = held.user
    assert user is not None
    same = subject_screen(
        subject=Subject.person(
            user=user,
            given_names="Ryong Nam",
            family_name="Rim",
            birth_date=dt.date(1978, 12, 5),
            countries=("KP",),
        ),
        context="rescreen",
    )
    assert same.new_matches == []
    assert not same.held
    changed = listed_person(user, family="Ryim")  # the person's data changed
    assert changed.status == "pending"


def test_an_officer_cannot_decide_a_match_about_themselves(
    csl_loaded: ImportResult, officer: User, api_client_for: ApiFor
) -> None:
    match = listed_person(officer)
    response = api_client_for(officer).post(
        f"/api/v1/screening/matches/{match.public_id}/decision",
        {"decision": "clear", "reason": "It is not me"},
        format="json",
    )
    assert_api_error(response, 403, "permission_denied")
    match.refresh_from_db()
    assert match.status == "pending"


def test_confirming_an_organisation_withdraws_its_sponsorships(
    csl_loaded: ImportResult, officer: User, api_client_for: ApiFor
) -> None:
    org = Organization.objects.create(
        legal_name="SME Bank", country_of_incorporation="RU", status="verified"
    )
    admin = MembershipFactory.create(organization=org, role=Membership.Role.SIGNING_OFFICIAL).user
    member = UserFactory.create()
    Sponsorship.objects.create(
        organization=org,
        user=member,
        sponsored_by=admin,
        expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )
    outcome = subject_screen(subject=Subject.organisation(organization=org), context="test")
    (match,) = outcome.new_matches
    response = api_client_for(officer).post(
        f"/api/v1/screening/matches/{match.public_id}/decision",
        {"decision": "confirm", "reason": "Same bank, same registration"},
        format="json",
    )
    assert json_body(response)["status"] == "confirmed"
    assert not Sponsorship.objects.filter(organization=org, status="active").exists()
    event = AuditEvent.objects.get(action="screening.match_confirmed")
    assert event.data["sponsorships_withdrawn"] == 1


def test_the_review_page_shows_the_queue_and_records_a_decision(
    held: ScreeningMatch, officer: User
) -> None:
    client = Client()
    client.force_login(officer)
    # Without a second factor in this session an officer is sent to set one up first.
    assert client.get("/screening/review/").status_code == 302
    sign_in_with_second_factor(client, officer)
    queue = client.get("/screening/review/")
    assert b"Ryong Nam Rim" in queue.content
    assert b"RIM, Ryong Nam" in queue.content
    page = client.get(f"/screening/review/{held.public_id}/")
    assert b"What produced the score" in page.content
    missing = client.post(f"/screening/review/{held.public_id}/", {"decision": "clear"})
    assert missing.status_code == 400
    assert b"Give a reason" in missing.content
    done = client.post(
        f"/screening/review/{held.public_id}/", {"decision": "clear", "reason": "Other person"}
    )
    assert done.status_code == 302
    held.refresh_from_db()
    assert held.status == "cleared"
    filtered = client.get("/screening/review/?status=pending")
    assert b"Ryong Nam Rim" not in filtered.content


def test_the_review_pages_do_not_exist_for_anyone_else(
    held: ScreeningMatch, stranger: User
) -> None:
    client = Client()
    client.force_login(stranger)
    assert client.get("/screening/review/").status_code == 404
    assert client.get(f"/screening/review/{held.public_id}/").status_code == 404


def test_the_match_endpoints_are_in_the_openapi_schema(db: None) -> None:
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/screening/matches" in schema
    assert "/api/v1/screening/matches/{match_id}/decision" in schema


def test_bad_filters_and_ids_get_specific_errors(
    held: ScreeningMatch, officer: User, api_client_for: ApiFor
) -> None:
    client = api_client_for(officer)
    assert_api_error(
        client.get("/api/v1/screening/matches?status=open"), 400, "invalid", field="status"
    )
    assert_api_error(
        client.get("/api/v1/screening/matches?kind=robot"), 400, "invalid", field="kind"
    )
    assert json_body(client.get("/api/v1/screening/matches?offset=x&q=ryong"))["count"] == 1
    missing = client.post(
        "/api/v1/screening/matches/not-a-uuid/decision",
        {"decision": "clear", "reason": "x"},
        format="json",
    )
    assert_api_error(missing, 404, "not_found")
    garbled = client.post(
        f"/api/v1/screening/matches/{held.public_id}/decision",
        "{not json",
        content_type="application/json",
    )
    assert garbled.status_code == 400
    held.refresh_from_db()
    assert held.status == "pending"
