"""End to end over HTTP: after a re-check revokes a token, a running verifier polling the
live server rejects it (a raised tier minimum; a passport past its expiry date)."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import User
from attestations.models import Document
from entitlements.models import IssuedToken
from entitlements.services.rechecks import assurance_recheck_sweep
from idverify_verifier import InvalidToken, Verifier
from tests.entitlements.support import person, tier
from tests.entitlements.test_propagation import key_for, rejected_within

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TARGET_SECONDS = 10.0


def call(
    url: str, key: str, body: dict[str, str], method: str = "POST"
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310 - the live test server
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def server(live_server: Any, settings: Settings) -> str:
    settings.IDV_GEO_ALLOW_LOCAL = True  # the live server sees 127.0.0.1
    return str(live_server.url)


@pytest.fixture
def verifier(server: str, settings: Settings) -> Iterator[Verifier]:
    tier("fable-5", min_level=2, min_assurance="ial1")
    running = Verifier(
        issuer=settings.IDV_BASE_URL,
        audience="fable-5",
        jwks_url=f"{server}/.well-known/jwks.json",
        revocations_url=f"{server}/api/v1/revocations",
        poll_interval=1.0,
    )
    yield running
    running.close()


def token_for(server: str, user: User) -> str:
    status, body = call(f"{server}/api/v1/tokens", key_for(user), {"model": "fable-5"})
    assert status == 201, body
    return str(body["token"])


def test_a_raised_tier_minimum_reaches_a_running_verifier(
    server: str, verifier: Verifier, officer: User
) -> None:
    lower, higher = person(2), person(2)
    Document.objects.filter(user=higher).update(status=Document.Status.APPROVED)
    low_token, high_token = token_for(server, lower), token_for(server, higher)
    verifier.start()
    assert verifier.verify(low_token).ial == "ial1"
    assert verifier.verify(high_token).ial == "ial2"

    started = time.monotonic()
    status, body = call(
        f"{server}/api/v1/tiers/fable-5",
        key_for(officer),
        {"min_assurance": "ial2", "reason": "Order 2026-12: reviewed documents only"},
        method="PATCH",
    )
    assert status == 200, body
    elapsed, code = rejected_within(verifier, low_token, started)
    assert code == "revoked.user"
    assert elapsed < TARGET_SECONDS
    assert verifier.verify(high_token).sub == str(higher.public_id)
    # The lower-assurance holder is refused a new token by the new minimum.
    time.sleep(3)  # past the revocation's cutoff
    status, body = call(f"{server}/api/v1/tokens", key_for(lower), {"model": "fable-5"})
    assert status == 403
    assert [reason["code"] for reason in body["reasons"]] == ["assurance.too_low"]


def test_a_passport_past_its_expiry_reaches_a_running_verifier(
    server: str, verifier: Verifier
) -> None:
    holder = person(2)
    last_day = timezone.now().date() + timedelta(days=30)
    Document.objects.filter(user=holder).update(document_expires_on=last_day)
    token = token_for(server, holder)
    verifier.start()
    assert verifier.verify(token).ial == "ial1"
    # As the record would stand four minutes after midnight ending the passport's last day.
    after = datetime.combine(last_day + timedelta(days=1), clock(0, 4), tzinfo=UTC)
    IssuedToken.objects.filter(user=holder).update(
        issued_at=after - timedelta(minutes=8), expires_at=after + timedelta(minutes=2)
    )

    started = time.monotonic()
    outcome = assurance_recheck_sweep(now=after)
    assert list(outcome.revoked) == [str(holder.public_id)]
    elapsed, code = rejected_within(verifier, token, started)
    assert code == "revoked.user"
    assert elapsed < TARGET_SECONDS
    with pytest.raises(InvalidToken):
        verifier.verify(token)
