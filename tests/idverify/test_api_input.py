"""API bodies mean what the schema says: JSON by its types, a form field left out is left out."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from entitlements.models import ModelTier
from tests.entitlements.support import tier
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db

ApiClientFor = Callable[[User | None], APIClient]


@pytest.mark.parametrize("form", ["multipart", "urlencoded"])
def test_a_form_that_renames_a_tier_leaves_its_us_person_requirement_on(
    officer: User, form: str
) -> None:
    # A boolean left out of a form used to be read as false: renaming a tier this way
    # opened it to everyone and switched its embargo block off.
    tier("fable-5", us_person_required=True, block_embargoed_places=True, min_level=2)
    client = APIClient()
    client.force_authenticate(officer)
    body = {"name": "Fable", "reason": "Renamed by the vendor."}
    if form == "multipart":
        response = client.patch("/api/v1/tiers/fable-5", body, format="multipart")
    else:
        response = client.patch(
            "/api/v1/tiers/fable-5",
            "name=Fable&reason=Renamed+by+the+vendor.",
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 200, response.content
    fable = ModelTier.objects.get(slug="fable-5")
    assert (fable.name, fable.us_person_required, fable.block_embargoed_places) == (
        "Fable",
        True,
        True,
    )
    assert fable.min_level == 2


def test_a_form_still_says_true_and_false_in_words(officer: User) -> None:
    tier("fable-5", us_person_required=True)
    client = APIClient()
    client.force_authenticate(officer)
    response = client.patch(
        "/api/v1/tiers/fable-5",
        {"us_person_required": "false", "reason": "Open to all."},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert ModelTier.objects.get(slug="fable-5").us_person_required is False


def test_a_json_number_is_not_taken_for_a_string(officer: User) -> None:
    tier("fable-5")
    client = APIClient()
    client.force_authenticate(officer)
    response = client.patch("/api/v1/tiers/fable-5", {"name": 5, "reason": "r"}, format="json")
    error = assert_api_error(response, 400, "invalid", field="name")
    assert error["fields"]["name"] == ["Must be a string."]
    assert ModelTier.objects.get(slug="fable-5").name != "5"


def test_json_types_are_checked_in_lists_and_beside_other_errors(officer: User) -> None:
    client = APIClient()
    client.force_authenticate(officer)
    response = client.post(
        "/api/v1/tiers",
        {"slug": "epic-6", "min_level": "2", "us_person_required": 1, "blocked_places": ["RU", 7]},
        format="json",
    )
    error = assert_api_error(response, 400, "invalid")
    assert error["fields"]["min_level"] == ["Must be a whole number."]
    assert error["fields"]["us_person_required"] == ["Must be true or false."]
    assert error["fields"]["blocked_places"] == ["Item 2: Must be a string."]
    assert "name" in error["fields"]  # required, and still said
    assert not ModelTier.objects.filter(slug="epic-6").exists()
