"""Freshness comes from the signed document, so whoever answers the poll cannot fake it.

Each test runs a verifier against a real local HTTP server that plays the part of a
misbehaving cache or an on-path attacker: replaying a recorded document, answering
304 forever, serving an older serial. The verifier must fail closed once the signed
``exp`` (plus leeway) or its ``max_revocation_age`` of signed age has passed, whatever
the network says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier import Verifier
from idverify_verifier.testing import OMIT, TokenFactory, revocation_document, revocations_payload
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    ISSUER,
    KID,
    NOW,
    REVOCATIONS_PATH,
    Clock,
    IssuerServer,
    open_document,
    refusal,
    refusal_code,
)

LEEWAY = 5
TTL = 10  # the issuer re-signs every TTL / 2 and says exp = iat + TTL
POLL = 5.0
# Long enough that "forever" and "within its configured age" cannot be confused.
WATCH_SECONDS = 300


def seconds_until_stale(verifier: Verifier, clock: Clock, token: str) -> float | None:
    """Poll every POLL seconds of the verifier's clock; when did it first fail closed?"""
    started = clock.now
    while clock.now - started < WATCH_SECONDS:
        clock.advance(POLL)
        verifier.refresh()
        if refusal_code(verifier, token) == "revocation.stale":
            return clock.now - started
    return None


def signed(key: Ed25519PrivateKey, **document: object) -> str:
    return revocation_document(key, KID, open_document(**document))  # type: ignore[arg-type]


@pytest.fixture
def token(key: Ed25519PrivateKey) -> str:
    # Valid for the whole watch, so only the revocation side can refuse it.
    return TokenFactory(
        key=key, kid=KID, issuer=ISSUER, audience=AUDIENCE, now=NOW + WATCH_SECONDS // 2
    ).mint(iat=NOW, nbf=NOW)


@pytest.fixture
def started(
    http_verifier: Callable[..., Verifier], published: IssuerServer, key: Ed25519PrivateKey
) -> Verifier:
    """A verifier holding serial 5, signed at NOW and valid until NOW + TTL."""
    published.publish(REVOCATIONS_PATH, signed(key, serial=5, iat=NOW, exp=NOW + TTL))
    verifier = http_verifier(leeway=LEEWAY, max_revocation_age=60)
    status = verifier.start()
    assert status.fresh
    assert status.revocations_serial == 5
    return verifier


def test_a_replayed_recording_of_the_document_fails_closed_at_its_signed_expiry(
    started: Verifier, published: IssuerServer, clock: Clock, token: str
) -> None:
    assert refusal_code(started, token) is None
    published.answer_conditionals(REVOCATIONS_PATH, "replay")  # 200, same bytes, every poll
    elapsed = seconds_until_stale(started, clock, token)
    assert elapsed is not None, "a recording kept the verifier fresh forever"
    assert elapsed <= TTL + LEEWAY + POLL
    assert published.count(REVOCATIONS_PATH, 200) >= 2
    error = refusal(started, token)
    assert error is not None
    assert "expired" in error.message


def test_304_forever_for_a_document_never_re_signed_fails_closed_at_its_signed_expiry(
    started: Verifier, published: IssuerServer, clock: Clock, token: str
) -> None:
    elapsed = seconds_until_stale(started, clock, token)
    assert elapsed is not None, "304s kept the verifier fresh forever"
    assert elapsed <= TTL + LEEWAY + POLL
    assert published.count(REVOCATIONS_PATH, 304) >= 1


def test_a_cache_answering_304_to_hide_a_suspension_cannot_keep_the_old_copy_alive(
    started: Verifier, published: IssuerServer, key: Ed25519PrivateKey, clock: Clock, token: str
) -> None:
    published.answer_conditionals(REVOCATIONS_PATH, "always_304")
    suspended = {AUDIENCE: {"state": "suspended", "epoch": 2}}
    published.publish(REVOCATIONS_PATH, signed(key, serial=6, iat=NOW, tiers=suspended))
    elapsed = seconds_until_stale(started, clock, token)
    assert elapsed is not None, "304s hid a suspension forever"
    assert elapsed <= TTL + LEEWAY + POLL
    assert started.status().failed_fetches >= 1
    # Once the cache lets the issuer's current document through, the suspension lands.
    published.answer_conditionals(REVOCATIONS_PATH, "honest")
    now = int(clock.now)
    published.publish(
        REVOCATIONS_PATH, signed(key, serial=7, iat=now, exp=now + TTL, tiers=suspended)
    )
    assert started.refresh().fresh
    assert refusal_code(started, token) == "revoked.tier_suspended"


def test_an_older_serial_never_replaces_the_copy_nor_keeps_it_fresh(
    started: Verifier, published: IssuerServer, key: Ed25519PrivateKey, clock: Clock, token: str
) -> None:
    # A recording of an earlier document, signed later than ours expires but lower.
    published.publish(REVOCATIONS_PATH, signed(key, serial=4, iat=NOW, exp=NOW + 3600))
    elapsed = seconds_until_stale(started, clock, token)
    assert elapsed is not None, "an older serial kept the verifier fresh forever"
    assert elapsed <= TTL + LEEWAY + POLL
    status = started.status()
    assert status.revocations_serial == 5
    assert status.failed_fetches >= 1


def test_the_signed_age_limit_holds_even_for_a_document_with_a_distant_exp(
    http_verifier: Callable[..., Verifier],
    published: IssuerServer,
    key: Ed25519PrivateKey,
    clock: Clock,
    token: str,
) -> None:
    published.publish(REVOCATIONS_PATH, signed(key, serial=5, iat=NOW, exp=NOW + 3600))
    published.answer_conditionals(REVOCATIONS_PATH, "replay")
    verifier = http_verifier(leeway=LEEWAY, max_revocation_age=60)
    verifier.start()
    clock.advance(60)
    verifier.refresh()
    assert refusal_code(verifier, token) is None  # exactly max_revocation_age old: still fresh
    clock.advance(1)
    verifier.refresh()
    error = refusal(verifier, token)
    assert error is not None
    assert error.code == "revocation.stale"
    assert "max_revocation_age" in error.message
    assert not verifier.status().fresh


def test_a_document_already_expired_when_fetched_is_not_fresh(
    http_verifier: Callable[..., Verifier],
    published: IssuerServer,
    key: Ed25519PrivateKey,
    clock: Clock,
    token: str,
) -> None:
    published.publish(REVOCATIONS_PATH, signed(key, serial=5, iat=NOW - 30, exp=NOW - 20))
    verifier = http_verifier(leeway=LEEWAY, max_revocation_age=60)
    status = verifier.start()
    assert status.revocations_serial == 5
    assert not status.fresh
    assert refusal_code(verifier, token) == "revocation.stale"


def test_a_document_signed_in_the_future_is_refused(
    started: Verifier, published: IssuerServer, key: Ed25519PrivateKey, token: str
) -> None:
    # Believed, it would keep the verifier "fresh" for as long as it claims to be new.
    ahead = NOW + LEEWAY + 1
    suspended = {AUDIENCE: {"state": "suspended", "epoch": 2}}
    published.publish(
        REVOCATIONS_PATH, signed(key, serial=6, iat=ahead, exp=ahead + TTL, tiers=suspended)
    )
    status = started.refresh()
    assert status.revocations_serial == 5
    assert status.failed_fetches == 1
    # Within the leeway a slightly fast issuer clock is fine.
    published.publish(REVOCATIONS_PATH, signed(key, serial=7, iat=NOW + LEEWAY, exp=NOW + 60))
    assert started.refresh().revocations_serial == 7


def test_the_same_serial_with_different_content_is_refused(
    started: Verifier,
    published: IssuerServer,
    key: Ed25519PrivateKey,
    token: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    suspended = {AUDIENCE: {"state": "suspended", "epoch": 2}}
    published.publish(
        REVOCATIONS_PATH, signed(key, serial=5, iat=NOW, exp=NOW + TTL, tiers=suspended)
    )
    with caplog.at_level(logging.WARNING, logger="idverify_verifier"):
        status = started.refresh()
    assert status.failed_fetches == 1
    assert "serial 5" in caplog.text
    assert refusal_code(started, token) is None  # the copy it holds stands


def test_the_same_document_served_again_confirms_nothing_new(
    started: Verifier, published: IssuerServer, key: Ed25519PrivateKey, clock: Clock
) -> None:
    before = started.status()
    published.answer_conditionals(REVOCATIONS_PATH, "replay")
    clock.advance(POLL)
    after = started.refresh()
    assert after.failed_fetches == 0
    assert (after.revocations_serial, after.revocations_iat, after.revocations_exp) == (
        before.revocations_serial,
        NOW,
        NOW + TTL,
    )


def test_a_document_without_exp_is_unusable(
    started: Verifier, published: IssuerServer, key: Ed25519PrivateKey
) -> None:
    payload = revocations_payload(
        issuer=ISSUER, serial=6, iat=NOW, exp=OMIT, tiers={AUDIENCE: {"state": "open", "epoch": 1}}
    )
    published.publish(REVOCATIONS_PATH, revocation_document(key, KID, payload))
    status = started.refresh()
    assert status.revocations_serial == 5
    assert status.failed_fetches == 1


@pytest.mark.parametrize(
    ("iat", "exp"), [(NOW, NOW), (NOW, NOW - 1), (NOW, True), (NOW, 1.5), (NOW, "x")]
)
def test_a_document_whose_exp_is_not_after_its_iat_is_unusable(
    iat: int, exp: object, started: Verifier, published: IssuerServer, key: Ed25519PrivateKey
) -> None:
    payload = open_document(serial=6, iat=iat)
    payload["exp"] = exp
    published.publish(REVOCATIONS_PATH, revocation_document(key, KID, payload))
    assert started.refresh().failed_fetches == 1


def test_an_issuer_re_signing_on_its_heartbeat_keeps_the_verifier_fresh(
    started: Verifier, published: IssuerServer, key: Ed25519PrivateKey, clock: Clock, token: str
) -> None:
    serial = 5
    while clock.now < NOW + WATCH_SECONDS:
        clock.advance(POLL)
        if clock.now % (TTL / 2) == 0:  # the heartbeat, even though nothing changed
            serial += 1
            now = int(clock.now)
            published.publish(REVOCATIONS_PATH, signed(key, serial=serial, iat=now, exp=now + TTL))
        started.refresh()
        assert refusal_code(started, token) is None, clock.now - NOW
    assert started.status().revocations_serial == serial
    assert started.status().failed_fetches == 0


def test_between_heartbeats_a_304_confirms_a_copy_still_inside_its_exp(
    started: Verifier, published: IssuerServer, clock: Clock, token: str
) -> None:
    clock.advance(TTL - 1)
    status = started.refresh()
    assert published.count(REVOCATIONS_PATH, 304) == 1
    assert status.fresh
    assert status.failed_fetches == 0
    assert refusal_code(started, token) is None


def test_a_304_for_an_expired_copy_is_a_failed_fetch(
    started: Verifier, published: IssuerServer, clock: Clock
) -> None:
    published.answer_conditionals(REVOCATIONS_PATH, "always_304")
    clock.advance(TTL + LEEWAY + 1)
    status = started.refresh()
    assert status.failed_fetches == 1
    assert not status.fresh
