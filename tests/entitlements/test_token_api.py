"""POST /api/v1/tokens: a token for the entitled, every reason for the refused, all recorded."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, User
from accounts.services.sponsorships import sponsorship_revoke
from attestations.selectors import declaration_current
from attestations.services import attestation_submit
from audit.models import AuditEvent
from audit.selectors import audit_verify
from entitlements import jws, token_store
from entitlements.apis.tokens import TokenCreateApi
from entitlements.models import (
    DecisionReason,
    DecisionRecord,
    IssuedToken,
    ModelTier,
    SigningKey,
)
from entitlements.policy import decide
from entitlements.services.keys import signing_keys_rotate
from geo.models import GeoSignal
from geo.selectors import request_signals
from tests.entitlements.support import CUBA, US_CALIFORNIA, US_VPN, person, signals, tier
from tests.support.api import assert_api_error
from tests.support.factories import PASSWORD, MembershipFactory

# Also run on SQLite (scripts/test.sh), the quick start's database.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places"), pytest.mark.sqlite]

ApiClientFor = Callable[[User | None], APIClient]


def decode(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return json.loads(jws.b64url_decode(header)), json.loads(jws.b64url_decode(payload))


def ask(client: APIClient, model: str = "fable-5", ip: str = US_CALIFORNIA, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/tokens", {"model": model, **extra}, format="json", REMOTE_ADDR=ip)


@pytest.fixture
def fable() -> None:
    tier(min_level=2, us_person_required=True)


@pytest.fixture(params=["one-statement", "orm"])
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """PostgreSQL writes a decision in one statement; other databases through the ORM.
    Both are run here and must record the same (on SQLite both are the ORM's)."""
    if request.param == "orm":
        monkeypatch.setattr(token_store.writes, "use_single_statement", lambda: False)
    return str(request.param)


@pytest.mark.usefixtures("fable")
def test_an_entitled_person_gets_a_signed_token_with_its_claims(
    api_client_for: ApiClientFor, settings: Settings
) -> None:
    user = person(2)
    response = ask(api_client_for(user))
    assert response.status_code == 201, response.content
    body = response.json()
    header, claims = decode(body["token"])
    active = SigningKey.objects.get(state="active")
    assert header == {"alg": "EdDSA", "kid": active.kid, "typ": "entitlement+jwt"}
    assert claims == body["claims"]
    assert claims["iss"] == settings.IDV_BASE_URL
    assert claims["sub"] == str(user.public_id)
    assert claims["aud"] == "fable-5"
    assert claims["exp"] - claims["iat"] == 600
    assert claims["nbf"] == claims["iat"]
    assert claims["usp"] == {"status": "us_citizen", "level": 2, "basis": "document"}
    assert claims["geo"] == {"country": "US", "subdivision": "US-CA"}
    assert claims["org"] is None
    assert claims["epoch"] == 0
    assert "cnf" not in claims
    assert datetime.fromisoformat(body["expires_at"]).timestamp() == claims["exp"]
    assert body["expires_at"].endswith("Z")
    assert response["Cache-Control"].startswith("max-age=0")
    # The body is what the documented serializer renders (the view builds it directly).
    expires_at = datetime.fromtimestamp(claims["exp"], tz=dt.UTC)
    documented = TokenCreateApi.OutputSerializer(
        {"token": body["token"], "expires_at": expires_at, "claims": claims}
    ).data
    assert body == documented


@pytest.mark.usefixtures("fable", "write_path")
def test_every_issued_token_and_decision_is_recorded_with_its_geo_signals(
    api_client_for: ApiClientFor,
) -> None:
    user = person(2)
    claims = ask(api_client_for(user)).json()["claims"]
    token = IssuedToken.objects.get(jti=claims["jti"])
    assert (token.user, token.tier.slug, token.epoch) == (user, "fable-5", 0)
    assert int(token.expires_at.timestamp()) == claims["exp"]
    decision = DecisionRecord.objects.get(token=token)
    assert decision.allowed
    assert decision.level == 2
    assert decision.geo_signal is not None
    assert decision.geo_signal.ip == US_CALIFORNIA
    assert decision.geo_signal.purpose == GeoSignal.Purpose.TOKEN
    assert not DecisionReason.objects.exists()
    decided = AuditEvent.objects.get(action="entitlement.decided")
    assert decided.data["allowed"] is True
    assert decided.data["signals"]["country"] == "US"
    assert decided.data["geo_signal"] == decision.geo_signal.pk
    assert decided.data["jti"] == claims["jti"]
    assert audit_verify().ok  # the events' content hashes hold
    issued = AuditEvent.objects.get(action="token.issued")
    assert issued.data["jti"] == claims["jti"]
    assert issued.subject_id == str(user.public_id)


@pytest.mark.usefixtures("fable", "write_path")
def test_a_refused_person_gets_every_reason_in_both_shapes(api_client_for: ApiClientFor) -> None:
    user = person(1)
    response = ask(api_client_for(user), ip=CUBA)
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"error", "reasons"}
    assert body["error"]["code"] == "entitlement_denied"
    codes = [reason["code"] for reason in body["reasons"]]
    assert codes == ["level.too_low", "geo.embargoed_country"]
    for reason in body["reasons"]:
        assert reason["message"] in body["error"]["message"]
    assert not IssuedToken.objects.exists()
    decision = DecisionRecord.objects.get()
    assert not decision.allowed
    assert decision.geo_signal is not None
    assert not decision.geo_signal.allowed
    assert sorted(DecisionReason.objects.values_list("code", flat=True)) == sorted(codes)
    assert set(DecisionReason.objects.values_list("decision_id", flat=True)) == {decision.pk}
    event = AuditEvent.objects.get(action="entitlement.decided")
    assert event.data["allowed"] is False
    assert [r["code"] for r in event.data["reasons"]] == codes
    assert event.data["geo"]["allowed"] is False
    assert event.data["geo_signal"] == decision.geo_signal.pk
    assert audit_verify().ok


@pytest.mark.usefixtures("fable")
def test_a_refusal_is_exactly_the_decisions_reasons_beside_one_error(
    api_client_for: ApiClientFor,
) -> None:
    user = person(1)
    response = ask(api_client_for(user), ip=CUBA)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    signals_seen = request_signals(RequestFactory().post("/api/v1/tokens", REMOTE_ADDR=CUBA))
    decision = decide(user, ModelTier.objects.get(slug="fable-5"), signals_seen)
    reasons = [reason.as_api_dict() for reason in decision.reasons]
    assert [reason["code"] for reason in reasons] == ["level.too_low", "geo.embargoed_country"]
    assert reasons[0]["url"] == "http://testserver/documents/"  # the page to act on
    expected = {
        "error": {
            "code": "entitlement_denied",
            "message": " ".join(reason["message"] for reason in reasons),
        },
        "reasons": reasons,
    }
    # Byte for byte: the key order and the compact rendering too.
    assert response.content == JSONRenderer().render(expected)


@pytest.mark.usefixtures("fable")
def test_a_vpn_is_refused_in_words_a_person_can_act_on(api_client_for: ApiClientFor) -> None:
    response = ask(api_client_for(person(2)), ip=US_VPN)
    assert response.status_code == 403
    (reason,) = response.json()["reasons"]
    assert reason["code"] == "geo.anonymizer"
    assert "Connect without it" in reason["message"]


@pytest.mark.usefixtures("fable")
def test_a_token_can_be_bound_to_the_callers_key(api_client_for: ApiClientFor) -> None:
    jkt = jws.b64url(hashlib.sha256(b"some public key").digest())
    response = ask(api_client_for(person(2)), jkt=jkt)
    assert response.status_code == 201
    assert response.json()["claims"]["cnf"] == {"jkt": jkt}
    assert IssuedToken.objects.get().cnf_jkt == jkt


@pytest.mark.usefixtures("fable")
@pytest.mark.parametrize("jkt", ["short", "A" * 44, "=" * 43, "!" * 43, "A" * 42 + "B"])
def test_a_malformed_key_thumbprint_is_a_field_error(
    api_client_for: ApiClientFor, jkt: str
) -> None:
    response = ask(api_client_for(person(2)), jkt=jkt)
    assert_api_error(response, 400, "invalid", field="jkt")
    assert not DecisionRecord.objects.exists()


@pytest.mark.usefixtures("fable")
def test_an_unknown_model_is_a_field_error(api_client_for: ApiClientFor) -> None:
    error = assert_api_error(
        ask(api_client_for(person(2)), model="nope"), 400, "invalid", field="model"
    )
    assert "GET /api/v1/tiers" in error["fields"]["model"][0]


@pytest.mark.usefixtures("fable")
def test_a_missing_model_is_a_field_error(api_client_for: ApiClientFor) -> None:
    response = api_client_for(person(2)).post("/api/v1/tokens", {}, format="json")
    assert_api_error(response, 400, "invalid", field="model")


@pytest.mark.usefixtures("fable")
def test_anonymous_callers_are_refused(client: Client) -> None:
    response = client.post("/api/v1/tokens", {"model": "fable-5"}, content_type="application/json")
    assert_api_error(response, 401, "not_authenticated")


@pytest.mark.usefixtures("fable")
def test_a_signed_in_browser_gets_a_token_with_csrf_protection(client: Client) -> None:
    user = person(2)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.login(email=user.email, password=PASSWORD)
    refused = csrf_client.post(
        "/api/v1/tokens", {"model": "fable-5"}, content_type="application/json",
        REMOTE_ADDR=US_CALIFORNIA,
    )  # fmt: skip
    assert refused.status_code == 403
    assert not DecisionRecord.objects.exists()


@pytest.mark.usefixtures("fable")
def test_the_lifetime_follows_the_setting(api_client_for: ApiClientFor, settings: Settings) -> None:
    settings.IDV_TOKEN_LIFETIME_SECONDS = 900
    claims = ask(api_client_for(person(2))).json()["claims"]
    assert claims["exp"] - claims["iat"] == 900


@pytest.mark.usefixtures("fable")
def test_each_request_gets_a_new_jti(api_client_for: ApiClientFor) -> None:
    client = api_client_for(person(2))
    jtis = {ask(client).json()["claims"]["jti"] for _ in range(3)}
    assert len(jtis) == 3
    assert all(uuid.UUID(jti).version == 4 for jti in jtis)


@pytest.mark.usefixtures("fable")
def test_without_a_usable_signing_key_issuance_is_unavailable(
    api_client_for: ApiClientFor, settings: Settings
) -> None:
    signing_keys_rotate()
    settings.IDV_KEY_ENCRYPTION_KEY = "A" * 43  # the stored key no longer opens
    assert_api_error(ask(api_client_for(person(2))), 503, "unavailable")
    assert not IssuedToken.objects.exists()


@pytest.mark.usefixtures("fable", "write_path")
def test_a_person_asking_just_after_their_sponsorship_is_revoked_is_told_to_wait(
    api_client_for: ApiClientFor, org: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    member = person(2, sponsor=org)
    client = api_client_for(member)
    assert ask(client).status_code == 201
    signer = MembershipFactory.create(organization=org, role=Membership.Role.SIGNING_OFFICIAL).user
    with django_capture_on_commit_callbacks(execute=True):
        sponsorship_revoke(
            actor=signer, sponsorship=member.sponsorships.get(), reason="Left the company"
        )
    # The cutoff voiding the member's tokens is a moment ahead: a refusal that says
    # so, on SQLite (the quick start) as on PostgreSQL, never a server error.
    response = ask(client)
    assert response.status_code == 403, response.content
    reasons = {reason["code"]: reason["message"] for reason in response.json()["reasons"]}
    assert set(reasons) == {"user.tokens_just_revoked", "level.too_low"}
    assert "Ask again in" in reasons["user.tokens_just_revoked"]
    assert DecisionRecord.objects.filter(allowed=False).count() == 1


def _re_sign(user: User, **changes: Any) -> None:
    """The person signs a new attestation (as the factory's Anna Maria Eriksson, with changes)."""
    answers: dict[str, Any] = {
        "status": "us_citizen",
        "given_names": "Anna Maria",
        "family_name": "Eriksson",
        "date_of_birth": dt.date(1974, 8, 12),
        "country_of_birth": "US",
        "citizenships": ["US"],
        "declaration_version": declaration_current().version,
        "perjury_acknowledged": True,
        **changes,
    }
    answers["signature_name"] = f"{answers['given_names']} {answers['family_name']}"
    attestation_submit(user=user, request_signals=signals(), **answers)


@pytest.mark.usefixtures("fable")
@pytest.mark.parametrize(
    "changes", [{"family_name": "Svensson"}, {"date_of_birth": dt.date(1980, 2, 29)}]
)
def test_re_signing_as_someone_else_loses_the_documents_level_for_new_tokens(
    api_client_for: ApiClientFor, changes: dict[str, Any]
) -> None:
    user = person(2)  # a passport passed against Anna Maria Eriksson, born 1974-08-12
    client = api_client_for(user)
    assert ask(client).status_code == 201
    _re_sign(user, **changes)
    response = ask(client)
    assert response.status_code == 403, response.content
    (reason,) = response.json()["reasons"]
    assert reason["code"] == "level.too_low"
    assert "yours is 1" in reason["message"]


@pytest.mark.usefixtures("fable")
def test_re_signing_the_same_identity_keeps_the_documents_level(
    api_client_for: ApiClientFor,
) -> None:
    user = person(2)
    _re_sign(user)
    response = ask(api_client_for(user))
    assert response.status_code == 201, response.content
    assert response.json()["claims"]["usp"] == {
        "status": "us_citizen",
        "level": 2,
        "basis": "document",
    }
