"""Background refresh over real HTTP: ETags, last-known-good, fail-closed, key rotation."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier import Verifier
from idverify_verifier.testing import TokenFactory, jwk, jwks, revocation_document
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    ISSUER,
    JWKS_PATH,
    KID,
    NOW,
    REVOCATIONS_PATH,
    Clock,
    IssuerServer,
    open_document,
    refusal_code,
)


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not met in time")
        time.sleep(0.02)


def test_start_fetches_keys_and_revocations_then_tokens_verify(
    http_verifier: Callable[..., Verifier], factory: TokenFactory, published: IssuerServer
) -> None:
    verifier = http_verifier()
    status = verifier.start()
    assert status.running
    assert status.kids == (KID,)
    assert status.revocations_serial == 1
    assert status.fresh
    assert verifier.verify(factory.mint()).aud == AUDIENCE


def test_the_first_verify_starts_the_verifier_by_itself(
    http_verifier: Callable[..., Verifier], factory: TokenFactory, published: IssuerServer
) -> None:
    verifier = http_verifier()
    assert verifier.needs_start
    assert refusal_code(verifier, factory.mint()) is None
    assert verifier.status().running
    assert not verifier.needs_start


def test_a_running_verifier_picks_up_a_suspension_within_a_few_polls(
    http_verifier: Callable[..., Verifier], key: Ed25519PrivateKey, published: IssuerServer
) -> None:
    live = TokenFactory(key=key, kid=KID, issuer=ISSUER, audience=AUDIENCE, now=int(time.time()))
    token = live.mint()
    now = int(time.time())
    published.publish(REVOCATIONS_PATH, revocation_document(key, KID, open_document(iat=now)))
    with http_verifier(clock=time.time, poll_interval=0.1) as verifier:
        assert refusal_code(verifier, token) is None
        suspended = open_document(
            serial=2, iat=now, tiers={AUDIENCE: {"state": "suspended", "epoch": 2}}
        )
        published.publish(REVOCATIONS_PATH, revocation_document(key, KID, suspended))
        started = time.monotonic()
        wait_for(lambda: refusal_code(verifier, token) == "revoked.tier_suspended")
        assert time.monotonic() - started < 2


def test_unchanged_documents_are_revalidated_with_etags(
    http_verifier: Callable[..., Verifier], published: IssuerServer, clock: Clock
) -> None:
    verifier = http_verifier()
    verifier.start()
    clock.advance(30)
    status = verifier.refresh()
    assert published.count(REVOCATIONS_PATH, 304) == 1
    assert published.count(JWKS_PATH, 304) == 1
    # A 304 is a successful fetch, though it makes the copy no fresher than it was signed.
    assert status.revocations_last_success == clock.now
    assert status.fresh
    assert status.revocations_iat == NOW - 10


def test_failed_fetches_keep_the_last_good_copy(
    http_verifier: Callable[..., Verifier], factory: TokenFactory, published: IssuerServer
) -> None:
    verifier = http_verifier()
    verifier.start()
    published.fail(JWKS_PATH)
    published.fail(REVOCATIONS_PATH)
    status = verifier.refresh()
    assert status.failed_fetches == 2
    assert status.kids == (KID,)
    assert refusal_code(verifier, factory.mint()) is None


def test_a_stale_revocation_copy_fails_closed_and_recovers(
    http_verifier: Callable[..., Verifier],
    factory: TokenFactory,
    key: Ed25519PrivateKey,
    published: IssuerServer,
    clock: Clock,
) -> None:
    verifier = http_verifier()
    verifier.start()  # holds a document signed at NOW - 10
    token = factory.mint()
    assert refusal_code(verifier, token) is None
    published.fail(REVOCATIONS_PATH)
    clock.advance(50)
    verifier.refresh()
    assert refusal_code(verifier, token) is None  # signed exactly max_revocation_age ago: fresh
    clock.advance(1)
    assert refusal_code(verifier, token) == "revocation.stale"
    assert not verifier.status().fresh
    # The issuer comes back with a document signed now.
    back = open_document(serial=2, iat=int(clock.now))
    published.publish(REVOCATIONS_PATH, revocation_document(key, KID, back))
    verifier.refresh()
    assert refusal_code(verifier, token) is None


def test_without_any_revocation_document_every_token_is_stale(
    http_verifier: Callable[..., Verifier], factory: TokenFactory, published: IssuerServer
) -> None:
    published.fail(REVOCATIONS_PATH)
    verifier = http_verifier()
    verifier.start()
    assert refusal_code(verifier, factory.mint()) == "revocation.stale"


def test_an_older_serial_never_replaces_a_newer_one(
    http_verifier: Callable[..., Verifier],
    factory: TokenFactory,
    key: Ed25519PrivateKey,
    published: IssuerServer,
) -> None:
    suspended = open_document(serial=5, tiers={AUDIENCE: {"state": "suspended", "epoch": 1}})
    published.publish(REVOCATIONS_PATH, revocation_document(key, KID, suspended))
    verifier = http_verifier()
    verifier.start()
    published.publish(REVOCATIONS_PATH, revocation_document(key, KID, open_document(serial=4)))
    status = verifier.refresh()
    assert status.revocations_serial == 5
    assert refusal_code(verifier, factory.mint()) == "revoked.tier_suspended"


@pytest.mark.parametrize(
    "forgery",
    ["another key", "token typ", "another issuer", "not a JWS"],
)
def test_an_unauthentic_revocation_document_is_ignored(
    forgery: str,
    http_verifier: Callable[..., Verifier],
    factory: TokenFactory,
    key: Ed25519PrivateKey,
    published: IssuerServer,
) -> None:
    verifier = http_verifier()
    verifier.start()
    # Each forgery would reopen nothing but suspend the tier, were it believed.
    payload = open_document(serial=9, tiers={AUDIENCE: {"state": "suspended", "epoch": 1}})
    bodies = {
        "another key": revocation_document(Ed25519PrivateKey.generate(), KID, payload),
        "token typ": revocation_document(key, KID, payload, typ="entitlement+jwt"),
        "another issuer": revocation_document(key, KID, {**payload, "iss": "https://evil.test"}),
        "not a JWS": json.dumps(payload),
    }
    published.publish(REVOCATIONS_PATH, bodies[forgery])
    status = verifier.refresh()
    assert status.revocations_serial == 1
    assert status.failed_fetches == 1
    assert refusal_code(verifier, factory.mint()) is None


def test_without_keys_tokens_are_refused_as_jwks_unavailable_until_they_arrive(
    http_verifier: Callable[..., Verifier],
    factory: TokenFactory,
    key: Ed25519PrivateKey,
    published: IssuerServer,
    clock: Clock,
) -> None:
    published.fail(JWKS_PATH)
    verifier = http_verifier()
    verifier.start()
    assert refusal_code(verifier, factory.mint()) == "jwks.unavailable"
    published.publish(JWKS_PATH, json.dumps(jwks((key, KID))))
    clock.advance(30)  # the rate limit on refetching for an unknown kid
    assert refusal_code(verifier, factory.mint()) is None


def test_unknown_kids_cause_at_most_one_jwks_fetch_per_window(
    http_verifier: Callable[..., Verifier],
    factory: TokenFactory,
    published: IssuerServer,
    clock: Clock,
) -> None:
    verifier = http_verifier()
    verifier.start()
    before = published.count(JWKS_PATH)
    for n in range(5):
        token = factory.mint(header=factory.header(kid=f"attacker-{n}"))
        assert refusal_code(verifier, token) == "key.unknown"
    assert published.count(JWKS_PATH) == before + 1
    clock.advance(29)
    assert refusal_code(verifier, factory.mint(header=factory.header(kid="x"))) == "key.unknown"
    assert published.count(JWKS_PATH) == before + 1
    clock.advance(1)
    assert refusal_code(verifier, factory.mint(header=factory.header(kid="y"))) == "key.unknown"
    assert published.count(JWKS_PATH) == before + 2


def test_a_rotation_is_followed_without_refusing_any_valid_token(
    http_verifier: Callable[..., Verifier],
    factory: TokenFactory,
    key: Ed25519PrivateKey,
    published: IssuerServer,
    clock: Clock,
) -> None:
    verifier = http_verifier()
    verifier.start()
    old_token = factory.mint()
    assert refusal_code(verifier, old_token) is None

    # The service publishes the next key, then starts signing with it.
    new_key, new_kid = Ed25519PrivateKey.generate(), "key-2026-02"
    published.publish(JWKS_PATH, json.dumps(jwks((key, KID), (new_key, new_kid))))
    new_token = TokenFactory(
        key=new_key, kid=new_kid, issuer=ISSUER, audience=AUDIENCE, now=int(clock.now)
    ).mint()
    assert refusal_code(verifier, new_token) is None  # the unknown kid triggered one refetch
    assert refusal_code(verifier, old_token) is None  # the retiring key is still published

    # Once retired, the old key is gone: even its cached tokens stop verifying.
    published.publish(JWKS_PATH, json.dumps(jwks((new_key, new_kid))))
    verifier.refresh()
    assert refusal_code(verifier, old_token) == "key.unknown"
    assert refusal_code(verifier, new_token) is None


def test_a_revocation_document_signed_by_a_new_key_fetches_that_key(
    http_verifier: Callable[..., Verifier],
    factory: TokenFactory,
    key: Ed25519PrivateKey,
    published: IssuerServer,
) -> None:
    verifier = http_verifier()
    verifier.start()
    new_key, new_kid = Ed25519PrivateKey.generate(), "key-2026-02"
    published.publish(JWKS_PATH, json.dumps(jwks((key, KID), (new_key, new_kid))))
    suspended = open_document(serial=2, tiers={AUDIENCE: {"state": "suspended", "epoch": 1}})
    published.publish(REVOCATIONS_PATH, revocation_document(new_key, new_kid, suspended))
    # A plain poll, not forcing the JWKS: the document's kid alone causes the refetch.
    verifier._sources.poll(force_jwks=False)
    assert refusal_code(verifier, factory.mint()) == "revoked.tier_suspended"


@pytest.mark.parametrize(
    "change",
    [
        {"alg": "RS256"},
        {"use": "enc"},
        {"crv": "X25519"},
        {"kty": "EC"},
        {"key_ops": ["sign"]},
        {"d": "AAAA"},
        {"x": "not-32-bytes"},
    ],
)
def test_a_published_key_not_fit_for_eddsa_signatures_is_never_used(
    change: dict[str, Any],
    http_verifier: Callable[..., Verifier],
    factory: TokenFactory,
    key: Ed25519PrivateKey,
    published: IssuerServer,
) -> None:
    spare = Ed25519PrivateKey.generate()
    published.publish(
        JWKS_PATH, json.dumps({"keys": [{**jwk(key, KID), **change}, jwk(spare, "spare")]})
    )
    verifier = http_verifier()
    assert verifier.start().kids == ("spare",)
    assert refusal_code(verifier, factory.mint()) == "key.unknown"


def test_a_kid_published_twice_is_never_used(
    http_verifier: Callable[..., Verifier],
    factory: TokenFactory,
    key: Ed25519PrivateKey,
    published: IssuerServer,
) -> None:
    published.publish(
        JWKS_PATH,
        json.dumps(jwks((key, KID), (Ed25519PrivateKey.generate(), KID), (key, "spare"))),
    )
    verifier = http_verifier()
    assert verifier.start().kids == ("spare",)
    assert refusal_code(verifier, factory.mint()) == "key.unknown"


def test_close_stops_the_background_thread(
    http_verifier: Callable[..., Verifier], published: IssuerServer
) -> None:
    verifier = http_verifier(poll_interval=0.05)
    verifier.start()
    thread = verifier._sources._thread
    assert thread is not None
    verifier.close()
    assert not thread.is_alive()
    assert not verifier.status().running
    requests = published.count(REVOCATIONS_PATH)
    time.sleep(0.2)
    assert published.count(REVOCATIONS_PATH) == requests


def _verify_in_child(verifier: Verifier, token: str, results: Any) -> None:
    results.put((refusal_code(verifier, token), verifier.status().running))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_worker_forked_after_start_runs_its_own_refresh_thread(
    http_verifier: Callable[..., Verifier], factory: TokenFactory, published: IssuerServer
) -> None:
    """Pre-fork servers (gunicorn --preload) fork after start(); threads do not follow."""
    verifier = http_verifier()
    verifier.start()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_verify_in_child, args=(verifier, factory.mint(), results))
    child.start()
    outcome = results.get(timeout=20)
    child.join(timeout=20)
    assert outcome == (None, True)
    assert child.exitcode == 0
