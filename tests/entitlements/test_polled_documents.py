"""The JWKS and the revocation document, served from ready bytes by the middleware.

What verifiers poll must cost no more than /healthz: no database query while
nothing changed, the same bytes and headers the views produce, 304s, cache
headers a CDN may follow, and a change seen within the bound.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import User
from entitlements import apis, jws, publication, versions
from entitlements.services.keys import signing_keys_rotate
from entitlements.services.revocations import revocation_document_resign, user_revoke
from tests.entitlements.support import person, tier
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db

PATHS = ("/api/v1/revocations", "/.well-known/jwks.json")


def payload_of(body: bytes) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(jws.b64url_decode(body.decode().split(".")[1]))
    return payload


def max_age(cache_control: str) -> dict[str, int]:
    return {
        name.strip(): int(value)
        for name, _, value in (part.partition("=") for part in cache_control.split(","))
        if value
    }


@pytest.mark.parametrize(
    ("path", "view"),
    [("/api/v1/revocations", apis.RevocationsApi), ("/.well-known/jwks.json", apis.JwksApi)],
)
def test_the_middleware_serves_the_bytes_the_view_would(
    client: Client, path: str, view: Any
) -> None:
    tier("fable-5")
    served = client.get(path)
    # The view alone, without the middleware in front of it.
    direct = view.as_view()(RequestFactory().get(path))
    assert served.status_code == direct.status_code == 200
    assert served.content == direct.content
    for header in ("Content-Type", "ETag", "Cache-Control"):
        assert served[header] == direct[header], header
    # Set by the middleware itself (it answers above CommonMiddleware): never chunked.
    assert served["Content-Length"] == str(len(served.content))


def test_the_jwks_is_the_json_it_always_was(client: Client) -> None:
    signing_keys_rotate()
    response = client.get("/.well-known/jwks.json")
    assert response["Content-Type"] == "application/json"
    keys = response.json()["keys"]
    assert keys
    assert all(key["alg"] == "EdDSA" and key["kid"] for key in keys)
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("path", PATHS)
def test_a_matching_if_none_match_gets_304_with_the_cache_headers(
    client: Client, path: str
) -> None:
    tier("fable-5")
    first = client.get(path)
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"].startswith("public, max-age=")
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_revocations_may_be_cached_briefly_and_never_past_exp(
    client: Client, settings: Settings
) -> None:
    tier("fable-5")
    response = client.get("/api/v1/revocations")
    left = payload_of(response.content)["exp"] - time.time()
    directives = max_age(response["Cache-Control"])
    assert response["Cache-Control"].startswith("public, ")
    assert directives["max-age"] <= min(settings.IDV_REVOCATIONS_CACHE_SECONDS, left)
    assert 0 < directives["stale-if-error"] <= left


@pytest.mark.parametrize("path", PATHS)
def test_no_query_per_request_while_nothing_changed(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, path: str
) -> None:
    tier("fable-5")
    first = client.get(path)
    with django_assert_num_queries(0):
        for _ in range(20):
            response = client.get(path, headers={"If-None-Match": first["ETag"]})
            assert response.status_code == 304
        assert client.get(path).content == first.content


def test_a_revocation_here_is_served_at_once(client: Client, officer: User) -> None:
    tier("fable-5")
    holder = person(2)
    before = payload_of(client.get("/api/v1/revocations").content)
    user_revoke(actor=officer, user=holder, reason="Test.")
    after = payload_of(client.get("/api/v1/revocations").content)
    assert after["serial"] > before["serial"]
    assert str(holder.public_id) in after["users"]


@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_another_process_is_served_within_the_bound(
    client: Client, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    tier("fable-5")
    holder = person(2)
    before = payload_of(client.get("/api/v1/revocations").content)
    # Another process revokes: this one's own change count does not move.
    monkeypatch.setattr(versions, "changed", lambda name: None)
    user_revoke(actor=officer, user=holder, reason="Test.")
    revoked_at = time.monotonic()
    while True:
        after = payload_of(client.get("/api/v1/revocations").content)
        if after["serial"] > before["serial"]:
            break
        assert time.monotonic() - revoked_at < publication.CHECK_SECONDS + 0.5
        time.sleep(0.05)
    assert str(holder.public_id) in after["users"]


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_in_another_process_is_served_within_the_bound(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    tier("fable-5")
    first = client.get("/api/v1/revocations")
    before = payload_of(first.content)
    monkeypatch.setattr(versions, "changed", lambda name: None)
    time.sleep(1.1)  # so the new signature has a later iat
    revocation_document_resign()
    time.sleep(publication.CHECK_SECONDS + 0.05)
    second = client.get("/api/v1/revocations", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    after = payload_of(second.content)
    assert after["serial"] > before["serial"]
    assert after["iat"] > before["iat"]
    assert after["tiers"] == before["tiers"]


def test_without_the_database_the_copy_held_is_served_until_its_exp(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    tier("fable-5")
    first = client.get("/api/v1/revocations")

    def unreachable() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(publication, "_state", unreachable)
    time.sleep(publication.CHECK_SECONDS + 0.05)
    again = client.get("/api/v1/revocations")
    assert again.status_code == 200
    assert again.content == first.content
    publication.forget_cached()  # a process with nothing to serve says so
    response = client.get("/api/v1/revocations")
    assert_api_error(response, 503, "unavailable")
    assert response["Retry-After"] == "1"


def test_an_accept_no_view_can_answer_still_gets_406() -> None:
    tier("fable-5")
    response = APIClient().get("/api/v1/revocations", headers={"Accept": "text/html"})
    assert_api_error(response, 406, "not_acceptable")


def test_a_revocation_post_still_reaches_the_view(
    api_client_for: Callable[[User | None], APIClient], officer: User
) -> None:
    tier("fable-5")
    holder = person(2)
    response = api_client_for(officer).post(
        "/api/v1/revocations", {"user": str(holder.public_id), "reason": "Test."}, format="json"
    )
    assert response.status_code == 201, response.content
    assert APIClient().post("/api/v1/revocations", {}, format="json").status_code == 401
