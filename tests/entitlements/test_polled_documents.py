"""What every verifier polls is answered from bytes made ready in advance.

The revocation document and the JWKS are served without a database query while
they are current, with strong ETags, 304s and cache headers a CDN can honour;
a change (here or in another process) is served at once; the shared cache
failing only costs a database query per request.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries, Settings

from accounts.models import User
from entitlements import publication, versions
from entitlements.services.keys import signing_keys_rotate
from entitlements.services.tiers import tier_directive_set
from tests.entitlements.support import tier
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db

REVOCATIONS = "/api/v1/revocations"
JWKS = "/.well-known/jwks.json"


@pytest.fixture(autouse=True)
def _shared_cache_taken_as_working() -> Iterator[None]:
    yield
    versions.outage.succeeded()


def serial_of(body: bytes) -> int:
    from entitlements import jws

    payload = json.loads(jws.b64url_decode(body.decode().split(".")[1]))
    return int(payload["serial"])


def max_age(response: Any) -> int:
    directives = [part.strip() for part in response["Cache-Control"].split(",")]
    assert "public" in directives
    ages = [int(part.split("=", 1)[1]) for part in directives if part.startswith("max-age=")]
    assert len(ages) == 1, response["Cache-Control"]
    return ages[0]


def elsewhere(monkeypatch: pytest.MonkeyPatch, change: Callable[[], object]) -> None:
    """Make ``change`` as another web process would: only the shared counter tells us,
    once this process reads it again (at most ``CHECK_SECONDS`` later)."""
    with monkeypatch.context() as patch:
        patch.setattr(versions, "_local", dict(versions._local))
        patch.setattr(versions, "_seen", dict(versions._seen))
        change()
    time.sleep(versions.CHECK_SECONDS)


def test_a_current_revocation_document_is_served_without_a_database_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    tier("fable-5")
    first = client.get(REVOCATIONS)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(REVOCATIONS)
        not_modified = client.get(REVOCATIONS, headers={"If-None-Match": first["ETag"]})
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == first["ETag"]


def test_a_change_committed_in_another_process_is_served_within_half_a_second(
    client: Client,
    officer: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    tier("fable-5")
    first = client.get(REVOCATIONS)

    def suspend() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            tier_directive_set(actor=officer, slug="fable-5", state="suspended", reason="Order 7")

    elsewhere(monkeypatch, suspend)
    changed = client.get(REVOCATIONS, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert serial_of(changed.content) > serial_of(first.content)
    assert b"suspended" not in changed.content  # the payload is base64url, not plain JSON
    payload = publication.revocation_document().payload
    assert payload["tiers"]["fable-5"]["state"] == "suspended"


def test_a_change_that_never_committed_is_never_served(
    client: Client, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Announced only after commit: a rolled-back directive stays unpublished elsewhere.
    tier("fable-5")
    first = client.get(REVOCATIONS)

    def suspend_then_roll_back() -> None:
        from django.db import transaction

        with transaction.atomic():
            tier_directive_set(actor=officer, slug="fable-5", state="suspended", reason="Oops")
            transaction.set_rollback(True)

    elsewhere(monkeypatch, suspend_then_roll_back)
    again = client.get(REVOCATIONS)
    assert again.content == first.content


def test_a_shared_cache_answers_for_at_most_a_few_seconds_and_never_past_exp(
    client: Client, settings: Settings
) -> None:
    tier("fable-5")
    response = client.get(REVOCATIONS)
    assert max_age(response) == settings.IDV_REVOCATIONS_CACHE_SECONDS
    settings.IDV_REVOCATIONS_CACHE_SECONDS = 3600
    response = client.get(REVOCATIONS)
    exp = publication.revocation_document().expires_at
    assert 0 <= max_age(response) <= exp - time.time() + 1
    assert max_age(response) <= settings.IDV_REVOCATIONS_TTL_SECONDS


def test_a_held_copy_is_re_signed_once_half_its_lifetime_has_passed(
    client: Client, settings: Settings
) -> None:
    settings.IDV_REVOCATIONS_TTL_SECONDS = 2
    tier("fable-5")
    first = client.get(REVOCATIONS)
    time.sleep(1.2)  # no heartbeat runs here: the read itself must re-sign
    second = client.get(REVOCATIONS)
    assert serial_of(second.content) > serial_of(first.content)
    assert publication.revocation_document().expires_at - time.time() > 0.9


def test_head_answers_the_headers_of_get_without_the_body(client: Client) -> None:
    tier("fable-5")
    get = client.get(REVOCATIONS)
    head = client.head(REVOCATIONS)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))
    assert head["Content-Type"] == "application/jwt"


def test_the_jwks_has_a_strong_etag_and_answers_304_to_it(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    signing_keys_rotate()
    first = client.get(JWKS)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/json"
    assert first["Cache-Control"] == "public, max-age=300"
    assert first["ETag"].startswith('"')
    assert first.content == json.dumps(first.json(), sort_keys=True, separators=(",", ":")).encode()
    with django_assert_num_queries(0):
        not_modified = client.get(JWKS, headers={"If-None-Match": first["ETag"]})
    assert not_modified.status_code == 304
    assert not_modified["ETag"] == first["ETag"]


def test_a_rotation_in_another_process_is_published_within_half_a_second(
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    signing_keys_rotate()
    before = {key["kid"] for key in client.get(JWKS).json()["keys"]}

    def rotate() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            signing_keys_rotate(force=True)

    elsewhere(monkeypatch, rotate)
    after = {key["kid"] for key in client.get(JWKS).json()["keys"]}
    assert after != before
    assert len(after - before) == 1


def test_a_post_still_reaches_the_revocation_view(client: Client) -> None:
    # Only GET and HEAD are answered early; revoking needs a signed-in officer.
    tier("fable-5")
    assert_api_error(client.post(REVOCATIONS, {"jti": "x"}), 401, "not_authenticated")


def test_without_the_shared_cache_every_request_asks_the_database_and_logs_once(
    client: Client,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    tier("fable-5")
    first = client.get(REVOCATIONS)
    # Redis on a port where nothing listens: every cache call fails at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    caplog.set_level(logging.WARNING, logger="idverify.degraded")
    time.sleep(versions.CHECK_SECONDS)  # what this process read last is too old to go by
    for _ in range(5):
        response = client.get(REVOCATIONS, headers={"If-None-Match": first["ETag"]})
        assert response.status_code == 304
    with django_assert_num_queries(2):  # the serial and the signing key
        assert client.get(JWKS).status_code in (200, 304)
        assert client.get(REVOCATIONS).status_code == 200
    warnings = [r for r in caplog.records if r.name == "idverify.degraded"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "shared cache" in warnings[0].getMessage()
