"""Tiers can require an identity assurance; tokens say what assurance and evidence back them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from attestations.models import Document
from entitlements import jws, token_store
from entitlements.models import DecisionReason, DecisionRecord, IssuedToken, ModelTier
from entitlements.policy import ASSURANCE_TOO_LOW, decide
from tests.attestations.factories import AttestationFactory, DocumentFactory
from tests.entitlements.support import US_CALIFORNIA, person, signals, tier
from tests.support.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]

ApiClientFor = Callable[[User | None], APIClient]
# The demo's fable-5: U.S. persons only, level 2, IAL1.
FABLE: dict[str, Any] = {"min_level": 2, "us_person_required": True, "min_assurance": "ial1"}


@pytest.fixture(params=["one-statement", "orm"])
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a decision is written must store the same rows."""
    if request.param == "orm":
        monkeypatch.setattr(token_store.writes, "use_single_statement", lambda: False)
    return str(request.param)


def ask(client: APIClient, model: str = "fable-5") -> Any:
    return client.post("/api/v1/tokens", {"model": model}, format="json", REMOTE_ADDR=US_CALIFORNIA)


def claims_of(token: str) -> dict[str, Any]:
    return dict(json.loads(jws.b64url_decode(token.split(".")[1])))


def typed_only() -> User:
    """A U.S. citizen whose only document passed on typed lines (IDV_TYPED_MRZ_PASSES=true)."""
    user: User = UserFactory.create()
    AttestationFactory.create(user=user)
    DocumentFactory.create(user=user, mrz_source="typed")
    return user


@pytest.mark.usefixtures("write_path")
def test_a_token_names_its_assurance_and_the_evidence_behind_it(
    api_client_for: ApiClientFor,
) -> None:
    tier(**FABLE)
    user = person(2)
    Document.objects.filter(user=user).update(mrz_source="ocr")
    response = ask(api_client_for(user))
    assert response.status_code == 201, response.content
    claims = claims_of(response.json()["token"])
    assert (claims["ial"], claims["evd"]) == ("ial1", ["vri"])
    assert response.json()["claims"] == claims
    assert IssuedToken.objects.filter(jti=claims["jti"]).exists()


def test_an_officer_reviewed_document_and_sponsorship_give_ial2_with_both_methods() -> None:
    fable = tier(**FABLE)
    user = person(3)
    Document.objects.filter(user=user).update(status=Document.Status.APPROVED)
    decision = decide(user, fable, signals())
    assert decision.allowed, decision.reason_codes
    assert decision.claims["ial"] == "ial2"
    assert decision.claims["evd"] == ["vri", "data"]


def test_typed_lines_alone_never_reach_a_us_persons_only_tier() -> None:
    """Even with the level requirement at 1, typed lines give no assurance."""
    fable = tier(**{**FABLE, "min_level": 1})
    decision = decide(typed_only(), fable, signals())
    assert not decision.allowed
    assert decision.reason_codes == [ASSURANCE_TOO_LOW]
    message = decision.reasons[0].message
    assert "ial1" in message
    assert "typed" in message


def test_typed_lines_do_not_raise_the_level_either() -> None:
    decision = decide(typed_only(), tier(min_level=2, us_person_required=True), signals())
    assert decision.reason_codes == ["level.too_low"]


@pytest.mark.usefixtures("write_path")
def test_a_tier_refusal_names_the_missing_evidence_and_is_recorded(
    api_client_for: ApiClientFor,
) -> None:
    tier(slug="mythos-5", min_level=2, us_person_required=True, min_assurance="ial2")
    user = person(2)
    response = ask(api_client_for(user), model="mythos-5")
    assert response.status_code == 403
    reasons = response.json()["reasons"]
    assert [reason["code"] for reason in reasons] == [ASSURANCE_TOO_LOW]
    assert "compliance officer" in reasons[0]["message"]
    decision = DecisionRecord.objects.get()
    assert not decision.allowed
    assert list(DecisionReason.objects.values_list("code", flat=True)) == [ASSURANCE_TOO_LOW]
    assert not IssuedToken.objects.exists()


def test_an_expired_attestation_leaves_no_assurance() -> None:
    fable = tier(**FABLE)
    user = person(2)
    user.attestations.update(expires_at=timezone.now())
    decision = decide(user, fable, signals())
    assert ASSURANCE_TOO_LOW in decision.reason_codes


def test_the_tier_api_shows_and_changes_the_minimum_assurance(
    api_client_for: ApiClientFor, officer: User
) -> None:
    tier(**FABLE)
    client = api_client_for(officer)
    listed = client.get("/api/v1/tiers").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["min_assurance"] for row in rows if row["slug"] == "fable-5"] == ["ial1"]
    response = client.patch(
        "/api/v1/tiers/fable-5",
        {"min_assurance": "ial2", "reason": "Order 2026-11 needs reviewed documents."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert ModelTier.objects.get(slug="fable-5").min_assurance == "ial2"
    bad = client.patch(
        "/api/v1/tiers/fable-5", {"min_assurance": "ial9", "reason": "Typo."}, format="json"
    )
    assert bad.status_code == 400
    assert "min_assurance" in bad.json()["error"]["fields"]
