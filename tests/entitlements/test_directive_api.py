"""GET /api/v1/tiers and POST /api/v1/tiers/{slug}/directive."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from audit.models import AuditEvent
from entitlements.models import ModelTier, RevocationState
from tests.entitlements.support import tier
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db

ApiClientFor = Callable[[User | None], APIClient]


def set_directive(client: APIClient, slug: str = "fable-5", **body: str):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/tiers/{slug}/directive", body, format="json")


def test_anyone_can_read_the_tiers_and_their_requirements() -> None:
    tier("fable-5", min_level=2, blocked_places=["ru", "UA-43"])
    response = APIClient().get("/api/v1/tiers")
    assert response.status_code == 200
    (fable,) = response.json()
    assert fable["slug"] == "fable-5"
    assert fable["min_level"] == 2
    assert fable["blocked_places"] == ["RU", "UA-43"]
    assert fable["directive_state"] == "open"
    assert fable["epoch"] == 0
    assert "directive_reason" not in fable


def test_an_officer_sets_a_directive_and_a_new_epoch_begins(
    api_client_for: ApiClientFor, officer: User
) -> None:
    tier("fable-5")
    serial = RevocationState.objects.get().serial
    response = set_directive(api_client_for(officer), state="suspended", reason="Order 2026-11")
    assert response.status_code == 200
    body = response.json()
    assert (body["slug"], body["state"], body["epoch"]) == ("fable-5", "suspended", 1)
    assert body["reason"] == "Order 2026-11"
    stored = ModelTier.objects.get(slug="fable-5")
    assert stored.directive_set_by == officer
    document = RevocationState.objects.get()
    assert document.serial > serial
    assert document.tiers["fable-5"] == {"state": "suspended", "epoch": 1}
    event = AuditEvent.objects.get(action="tier.directive_set")
    assert event.data == {
        "from": "open",
        "to": "suspended",
        "reason": "Order 2026-11",
        "epoch": 1,
        "serial": document.serial,
    }


def test_every_change_even_back_to_open_starts_a_new_epoch(
    api_client_for: ApiClientFor, officer: User
) -> None:
    tier("fable-5")
    client = api_client_for(officer)
    epochs = [
        set_directive(client, state=state, reason="r").json()["epoch"]
        for state in ("us_persons_only", "open", "open")
    ]
    assert epochs == [1, 2, 3]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"state": "closed", "reason": "typo"}, "state"),
        ({"reason": "no state"}, "state"),
        ({"state": "suspended"}, "reason"),
        ({"state": "suspended", "reason": "  "}, "reason"),
    ],
)
def test_a_directive_needs_a_known_state_and_a_reason(
    api_client_for: ApiClientFor, officer: User, body: dict[str, str], field: str
) -> None:
    tier("fable-5")
    assert_api_error(set_directive(api_client_for(officer), **body), 400, "invalid", field=field)
    assert ModelTier.objects.get().epoch == 0


def test_an_unknown_tier_is_not_found(api_client_for: ApiClientFor, officer: User) -> None:
    response = set_directive(api_client_for(officer), "nope", state="open", reason="r")
    assert_api_error(response, 404, "not_found")


@pytest.mark.parametrize("who", ["owner", "teammate", "outsider", "stranger"])
def test_only_compliance_officers_set_directives(
    api_client_for: ApiClientFor, request: pytest.FixtureRequest, who: str
) -> None:
    tier("fable-5")
    client = api_client_for(request.getfixturevalue(who))
    assert_api_error(set_directive(client, state="open", reason="mine"), 403, "permission_denied")
    assert_api_error(set_directive(client, "nope", state="x"), 403, "permission_denied")
    assert ModelTier.objects.get().epoch == 0
    assert not AuditEvent.objects.filter(action="tier.directive_set").exists()


def test_anonymous_callers_cannot_set_directives() -> None:
    tier("fable-5")
    assert_api_error(set_directive(APIClient(), state="open", reason="r"), 401, "not_authenticated")
