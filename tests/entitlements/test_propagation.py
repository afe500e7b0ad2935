"""End to end over HTTP: a running verifier polling a live server rejects within seconds
after a directive, and after a sponsorship is revoked."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from accounts.models import Membership, Organization, User
from accounts.services.api_keys import api_key_create
from accounts.services.sponsorships import sponsorship_revoke
from audit.models import AuditEvent
from entitlements.services.keys import signing_keys_ensure
from entitlements.services.revocations import revocation_document_resign
from idverify_verifier import InvalidToken, Verifier
from tests.entitlements.support import person, tier
from tests.support.factories import MembershipFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TARGET_SECONDS = 10.0
POLL_SECONDS = 1.0


def call(url: str, key: str, body: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310 - the live test server
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def server(live_server: Any, settings: Settings) -> str:
    # Requests reach the live server from 127.0.0.1, which the places policy allows
    # only when told to (as in development).
    settings.IDV_GEO_ALLOW_LOCAL = True
    return str(live_server.url)


@pytest.fixture
def verifier(server: str, settings: Settings) -> Iterator[Verifier]:
    tier("fable-5", min_level=2)
    running = Verifier(
        issuer=settings.IDV_BASE_URL,
        audience="fable-5",
        jwks_url=f"{server}/.well-known/jwks.json",
        revocations_url=f"{server}/api/v1/revocations",
        poll_interval=POLL_SECONDS,
    )
    yield running
    running.close()


def key_for(user: User) -> str:
    return api_key_create(user=user, name="propagation").plaintext


def rejected_within(verifier: Verifier, token: str, started: float) -> tuple[float, str]:
    while time.monotonic() - started < TARGET_SECONDS * 2:
        try:
            verifier.verify(token)
        except InvalidToken as rejection:
            return time.monotonic() - started, rejection.code
        time.sleep(0.02)
    pytest.fail("the verifier never rejected the token")


def test_a_suspension_reaches_a_running_verifier_within_the_target(
    server: str, verifier: Verifier, officer: User
) -> None:
    status, body = call(f"{server}/api/v1/tokens", key_for(person(2)), {"model": "fable-5"})
    assert status == 201, body
    token = body["token"]
    verifier.start()
    assert verifier.verify(token).aud == "fable-5"

    started = time.monotonic()
    status, body = call(
        f"{server}/api/v1/tiers/fable-5/directive",
        key_for(officer),
        {"state": "suspended", "reason": "Emergency order 2026-11"},
    )
    assert status == 200, body
    elapsed, code = rejected_within(verifier, token, started)
    assert code == "revoked.tier_suspended"
    assert elapsed < TARGET_SECONDS
    assert elapsed < POLL_SECONDS + 2, "one poll interval plus a request"
    assert AuditEvent.objects.filter(action="tier.directive_set").count() == 1
    assert AuditEvent.objects.filter(action="token.issued").count() == 1


def test_a_revoked_sponsorship_reaches_a_running_verifier(
    server: str, verifier: Verifier, org: Organization
) -> None:
    member = person(2, sponsor=org)
    signer = MembershipFactory.create(organization=org, role=Membership.Role.SIGNING_OFFICIAL).user
    status, body = call(f"{server}/api/v1/tokens", key_for(member), {"model": "fable-5"})
    assert status == 201, body
    assert body["claims"]["usp"]["basis"] == "sponsorship"
    token = body["token"]
    verifier.start()
    verifier.verify(token)

    started = time.monotonic()
    sponsorship = member.sponsorships.get()
    sponsorship_revoke(actor=signer, sponsorship=sponsorship, reason="Left the company")
    elapsed, code = rejected_within(verifier, token, started)
    assert code == "revoked.user"
    assert elapsed < TARGET_SECONDS
    assert AuditEvent.objects.filter(action="sponsorship.revoked").count() == 1
    assert AuditEvent.objects.filter(action="user.tokens_voided").count() == 1
    # Without the sponsorship the member is level 1 now: a new token is refused.
    status, body = call(f"{server}/api/v1/tokens", key_for(member), {"model": "fable-5"})
    assert status == 403
    assert "level.too_low" in [r["code"] for r in body["reasons"]]


def test_a_verifier_polling_an_idle_service_stays_fresh_past_many_document_lifetimes(
    server: str, settings: Settings, verifier: Verifier
) -> None:
    """Nothing changes and no periodic task runs: reads alone keep a signature current."""
    settings.IDV_REVOCATIONS_TTL_SECONDS = 2
    signing_keys_ensure()
    revocation_document_resign()  # the document in force now lives 2 s
    strict = Verifier(
        issuer=settings.IDV_BASE_URL,
        audience="fable-5",
        jwks_url=f"{server}/.well-known/jwks.json",
        revocations_url=f"{server}/api/v1/revocations",
        poll_interval=0.5,
        leeway=0,  # no slack: only a document inside its exp counts
    )
    try:
        first = strict.start()
        assert first.fresh
        deadline = time.monotonic() + 3 * settings.IDV_REVOCATIONS_TTL_SECONDS
        while time.monotonic() < deadline:
            assert strict.status().fresh
            time.sleep(0.1)
        last = strict.status()
        assert last.revocations_serial > first.revocations_serial  # type: ignore[operator]
        assert last.revocations_exp > time.time()  # type: ignore[operator]
        assert last.failed_fetches == 0
    finally:
        strict.close()
