"""Creating model tiers and changing their requirements: officers only, with a reason, audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from audit.models import AuditEvent
from entitlements.models import ModelTier, RevocationState
from entitlements.policy import decide
from tests.entitlements.support import person, signals, tier
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db

ApiClientFor = Callable[[User | None], APIClient]
NEW_TIER = {
    "slug": "epic-6",
    "name": "Epic 6",
    "description": "A restricted model.",
    "min_level": 3,
    "us_person_required": True,
    "sponsorship_required": True,
    "blocked_places": ["ru", "UA-43"],
    "reason": "Licence condition 4 of order 2026-11.",
}


def create(client: APIClient, **body: Any) -> Any:
    return client.post("/api/v1/tiers", body, format="json")


def change(client: APIClient, slug: str = "fable-5", **body: Any) -> Any:
    return client.patch(f"/api/v1/tiers/{slug}", body, format="json")


def test_an_officer_creates_a_tier_published_to_verifiers_at_once(
    api_client_for: ApiClientFor, officer: User
) -> None:
    response = create(api_client_for(officer), **NEW_TIER)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["min_level"], body["blocked_places"]) == (
        "epic-6",
        3,
        ["RU", "UA-43"],
    )
    assert body["directive_state"] == "open"
    assert RevocationState.objects.get().tiers["epic-6"] == {"state": "open", "epoch": 0}
    event = AuditEvent.objects.get(action="tier.created")
    assert event.actor == f"user:{officer.public_id}"
    assert event.data["reason"] == NEW_TIER["reason"]
    assert event.data["requirements"]["sponsorship_required"] is True
    assert APIClient().get("/api/v1/tiers/epic-6").json()["name"] == "Epic 6"


def test_an_officer_changes_requirements_and_new_decisions_follow_them(
    api_client_for: ApiClientFor, officer: User
) -> None:
    fable = tier("fable-5", min_level=1)
    citizen = person(level=2)
    assert decide(citizen, fable, signals()).allowed
    response = change(api_client_for(officer), min_level=3, reason="Raised after review 12.")
    assert response.status_code == 200, response.content
    assert response.json()["min_level"] == 3
    stored = ModelTier.objects.get(slug="fable-5")
    assert stored.min_level == 3
    # Requirements are not a directive: no new epoch; the re-check revokes only the
    # tokens above the new minimum (none were issued here).
    assert stored.epoch == 0
    event = AuditEvent.objects.get(action="tier.updated")
    assert event.data == {
        "before": {"min_level": 1},
        "after": {"min_level": 3},
        "reason": "Raised after review 12.",
        "recheck": {"tokens_checked": 0, "people_checked": 0, "people_revoked": 0},
    }
    assert decide(citizen, stored, signals()).reason_codes == ["level.too_low"]


def test_a_change_that_changes_nothing_records_nothing(
    api_client_for: ApiClientFor, officer: User
) -> None:
    tier("fable-5", min_level=2)
    response = change(api_client_for(officer), min_level=2, reason="Confirming.")
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="tier.updated").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"min_level": 2}, "reason"),
        ({"min_level": 2, "reason": "   "}, "reason"),
        ({"min_level": 4, "reason": "r"}, "min_level"),
        ({"blocked_places": ["Crimea"], "reason": "r"}, "blocked_places"),
        ({"blocked_places": "RU", "reason": "r"}, "blocked_places"),
        ({"directive_state": "suspended", "reason": "r"}, "directive_state"),
        ({"epoch": 0, "reason": "r"}, "epoch"),
        ({"us_person_required": "perhaps", "reason": "r"}, "us_person_required"),
    ],
)
def test_bad_changes_are_refused_by_field_and_change_nothing(
    api_client_for: ApiClientFor, officer: User, body: dict[str, Any], field: str
) -> None:
    tier("fable-5", min_level=2)
    response = change(api_client_for(officer), **body)
    error = assert_api_error(response, 400, "invalid", field=field)
    assert error["fields"][field]
    stored = ModelTier.objects.get(slug="fable-5")
    assert (stored.min_level, stored.directive_state, stored.blocked_places) == (2, "open", [])
    assert not AuditEvent.objects.filter(action="tier.updated").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW_TIER, "slug": "Epic 6"}, "slug"),
        ({**NEW_TIER, "name": ""}, "name"),
        ({key: value for key, value in NEW_TIER.items() if key != "reason"}, "reason"),
        ({**NEW_TIER, "slug": "fable-5"}, "slug"),
    ],
)
def test_bad_tiers_are_refused_by_field(
    api_client_for: ApiClientFor, officer: User, body: dict[str, Any], field: str
) -> None:
    tier("fable-5")
    response = create(api_client_for(officer), **body)
    assert_api_error(response, 400, "invalid", field=field)
    assert set(ModelTier.objects.values_list("slug", flat=True)) == {"fable-5"}


@pytest.mark.parametrize("who", ["owner", "teammate", "outsider", "stranger"])
def test_only_compliance_officers_create_or_change_tiers(
    api_client_for: ApiClientFor, request: pytest.FixtureRequest, who: str
) -> None:
    tier("fable-5", min_level=2)
    client = api_client_for(request.getfixturevalue(who))
    assert_api_error(create(client, **NEW_TIER), 403, "permission_denied")
    assert_api_error(change(client, min_level=1, reason="r"), 403, "permission_denied")
    # Whether a tier exists is not the first thing a non-officer learns.
    assert_api_error(change(client, "no-such", min_level=1), 403, "permission_denied")
    assert list(ModelTier.objects.values_list("slug", "min_level")) == [("fable-5", 2)]
    actions = list(AuditEvent.objects.filter(action__startswith="tier.").values_list("action"))
    assert actions == [("tier.created",)]  # the fixture's own


def test_anonymous_callers_are_asked_to_authenticate() -> None:
    tier("fable-5")
    assert_api_error(create(APIClient(), **NEW_TIER), 401, "not_authenticated")
    assert_api_error(change(APIClient(), min_level=1, reason="r"), 401, "not_authenticated")


def test_an_unknown_tier_is_not_found(api_client_for: ApiClientFor, officer: User) -> None:
    assert_api_error(
        change(api_client_for(officer), "no-such", min_level=1, reason="r"), 404, "not_found"
    )
    assert_api_error(APIClient().get("/api/v1/tiers/no-such"), 404, "not_found")
