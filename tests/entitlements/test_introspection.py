"""POST /api/v1/introspect: model API clients ask whether a token is valid for their tier now."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import User
from audit.models import AuditEvent
from entitlements import introspection
from entitlements.models import ModelClient, ModelTier
from entitlements.services.clients import model_client_create
from entitlements.services.revocations import token_revoke, user_revoke
from entitlements.services.tiers import tier_directive_set
from entitlements.services.tokens import token_issue
from tests.entitlements.support import person, signals, tier
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_introspectors() -> Iterator[None]:
    introspection.forget()
    yield
    introspection.forget()


@pytest.fixture
def fable() -> ModelTier:
    return tier("fable-5", min_level=2)


@pytest.fixture
def credentials(fable: ModelTier) -> tuple[str, str]:
    created = model_client_create(name="fable fleet", tier_slug="fable-5")
    return created.client.client_id, created.client_secret


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def introspect(client: Client, token: str, credentials: tuple[str, str]):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/introspect",
        {"token": token},
        headers={"Authorization": basic(*credentials)},
    )


def issue(fable: ModelTier, user: User | None = None) -> str:
    outcome = token_issue(user=user or person(2), tier=fable, signals=signals())
    assert outcome.token is not None
    return outcome.token


def test_a_valid_token_is_active_with_its_claims(
    client: Client, fable: ModelTier, credentials: tuple[str, str]
) -> None:
    user = person(2)
    token = issue(fable, user)
    response = introspect(client, token, credentials)
    assert response.status_code == 200
    body = response.json()
    assert body["active"] is True
    assert body["sub"] == str(user.public_id)
    assert body["aud"] == "fable-5"
    assert body["token_type"] == "entitlement+jwt"
    assert body["usp"] == {"status": "us_citizen", "level": 2, "basis": "document"}
    assert body["geo"] == {"country": "US", "subdivision": "US-CA"}
    assert (body["ial"], body["evd"]) == ("ial1", ["vri"])
    assert response["Cache-Control"].startswith("max-age=0")


def test_form_credentials_work_too(
    client: Client, fable: ModelTier, credentials: tuple[str, str]
) -> None:
    client_id, secret = credentials
    response = client.post(
        "/api/v1/introspect",
        {"token": issue(fable), "client_id": client_id, "client_secret": secret},
    )
    assert response.json()["active"] is True


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "a.b.c", "x" * 9000],
    ids=["empty", "garbage", "three-junk-segments", "oversize"],
)
def test_anything_that_is_not_a_valid_token_is_inactive(
    client: Client, credentials: tuple[str, str], token: str
) -> None:
    assert introspect(client, token, credentials).json() == {"active": False}


def test_a_request_without_a_token_is_a_field_error(
    client: Client, credentials: tuple[str, str]
) -> None:
    response = client.post("/api/v1/introspect", {}, headers={"Authorization": basic(*credentials)})
    assert_api_error(response, 400, "invalid", field="token")


def test_a_client_sees_only_its_own_tiers_tokens(
    client: Client, fable: ModelTier, credentials: tuple[str, str]
) -> None:
    mythos = tier("mythos-5", min_level=2)
    assert introspect(client, issue(mythos), credentials).json() == {"active": False}
    assert introspect(client, issue(fable), credentials).json()["active"] is True


def test_a_revoked_token_is_inactive_at_once_even_when_replayed(
    client: Client, fable: ModelTier, credentials: tuple[str, str], officer: User
) -> None:
    token = issue(fable)
    assert introspect(client, token, credentials).json()["active"] is True
    jti = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["jti"]
    token_revoke(actor=officer, jti=jti, reason="Leaked")
    for _ in range(3):
        assert introspect(client, token, credentials).json() == {"active": False}


def test_a_revoked_persons_tokens_are_inactive(
    client: Client, fable: ModelTier, credentials: tuple[str, str], officer: User
) -> None:
    user = person(2)
    token = issue(fable, user)
    user_revoke(actor=officer, user=user, reason="Review")
    assert introspect(client, token, credentials).json() == {"active": False}


def test_a_directive_change_voids_older_tokens(
    client: Client, fable: ModelTier, credentials: tuple[str, str], officer: User
) -> None:
    token = issue(fable)
    tier_directive_set(actor=officer, slug="fable-5", state="open", reason="New order")
    assert introspect(client, token, credentials).json() == {"active": False}
    fresh = issue(ModelTier.objects.get(slug="fable-5"))
    assert introspect(client, fresh, credentials).json()["active"] is True


def test_an_expired_token_is_inactive(
    client: Client,
    fable: ModelTier,
    credentials: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = issue(fable)
    exp = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["exp"]
    monkeypatch.setattr(introspection, "now", lambda: exp + introspection.LEEWAY + 1)
    assert introspect(client, token, credentials).json() == {"active": False}


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "not_authenticated"),
        ("Basic " + base64.b64encode(b"idv_mc_nobody:secret").decode(), "authentication_failed"),
        ("Basic !!!", "authentication_failed"),
        ("Bearer idv_pat_something", "not_authenticated"),
    ],
    ids=["none", "unknown-client", "malformed", "wrong-scheme"],
)
def test_callers_without_client_credentials_are_refused(
    client: Client, fable: ModelTier, authorization: str | None, code: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post("/api/v1/introspect", {"token": issue(fable)}, headers=headers)
    assert_api_error(response, 401, code)
    assert response["WWW-Authenticate"] == 'Basic realm="introspection"'


def test_a_wrong_secret_is_refused(
    client: Client, fable: ModelTier, credentials: tuple[str, str]
) -> None:
    client_id, secret = credentials
    response = introspect(client, issue(fable), (client_id, secret[:-1] + "x"))
    assert_api_error(response, 401, "authentication_failed")


def test_a_revoked_client_is_refused(
    client: Client, fable: ModelTier, credentials: tuple[str, str]
) -> None:
    assert introspect(client, issue(fable), credentials).status_code == 200
    call_command(
        "revoke_model_client", credentials[0], "--reason", "secret leaked", stdout=StringIO()
    )
    assert_api_error(introspect(client, issue(fable), credentials), 401, "authentication_failed")
    event = AuditEvent.objects.get(action="model_client.revoked")
    assert (event.subject_id, event.data["reason"]) == (credentials[0], "secret leaked")
    with pytest.raises(CommandError, match="no model client"):
        call_command("revoke_model_client", "idv_mc_nope", "--reason", "x", stdout=StringIO())


def test_basic_and_form_credentials_together_are_refused(
    client: Client, fable: ModelTier, credentials: tuple[str, str]
) -> None:
    client_id, secret = credentials
    response = client.post(
        "/api/v1/introspect",
        {"token": issue(fable), "client_id": client_id, "client_secret": secret},
        headers={"Authorization": basic(*credentials)},
    )
    assert_api_error(response, 401, "authentication_failed")


def test_repeated_wrong_secrets_are_throttled(
    client: Client, fable: ModelTier, credentials: tuple[str, str], settings: Settings
) -> None:
    settings.IDV_AUTH_FAILURES_PER_MINUTE = 3
    client_id, _ = credentials
    token = issue(fable)
    for _ in range(3):
        assert introspect(client, token, (client_id, "wrong")).status_code == 401
    assert introspect(client, token, (client_id, "wrong")).status_code == 429
    # Whoever holds the secret is not locked out by someone else's guesses.
    assert introspect(client, token, credentials).json()["active"] is True


def test_behind_a_proxy_one_clients_failures_do_not_lock_out_the_others(
    client: Client, fable: ModelTier, credentials: tuple[str, str], settings: Settings
) -> None:
    settings.IDV_TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.IDV_AUTH_FAILURES_PER_MINUTE = 3
    client_id, _ = credentials
    token = issue(fable)
    guesser = {"Authorization": basic(client_id, "wrong"), "X-Forwarded-For": "203.0.113.7"}
    for _ in range(4):
        client.post("/api/v1/introspect", {"token": token}, headers=guesser)
    honest = {"Authorization": basic(*credentials), "X-Forwarded-For": "203.0.113.8"}
    response = client.post("/api/v1/introspect", {"token": token}, headers=honest)
    assert response.json()["active"] is True


def test_a_person_cannot_introspect_with_their_api_key(
    api_client_for: Callable[[User | None], APIClient], fable: ModelTier
) -> None:
    api = api_client_for(person(2))
    response = api.post("/api/v1/introspect", {"token": issue(fable)})
    # A person's key is not a model client's credentials: asked for those, not let in.
    assert_api_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Basic realm="introspection"'


def test_the_command_prints_credentials_once_and_stores_a_digest(fable: ModelTier) -> None:
    out = StringIO()
    call_command("create_model_client", "fable fleet", "--tier", "fable-5", stdout=out)
    printed = json.loads(out.getvalue())
    assert set(printed) == {"client_id", "client_secret"}
    stored = ModelClient.objects.get(client_id=printed["client_id"])
    assert printed["client_secret"] not in stored.secret_digest
    assert len(stored.secret_digest) == 64
    assert AuditEvent.objects.filter(action="model_client.created").count() == 1


def test_the_command_names_the_known_tiers_for_an_unknown_one(fable: ModelTier) -> None:
    with pytest.raises(CommandError, match="fable-5"):
        call_command("create_model_client", "x", "--tier", "nope", stdout=StringIO())


def test_tokens_and_secrets_are_hidden_from_error_reports(
    client: Client, fable: ModelTier, credentials: tuple[str, str]
) -> None:
    response = introspect(client, issue(fable), credentials)
    hidden = response.wsgi_request.sensitive_post_parameters
    assert set(hidden) == {"token", "client_secret"}
