"""The verified-token cache makes repeats cheap and never outlives a revocation or a key."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier import Verifier
from idverify_verifier.testing import SUB, TokenFactory, jwks, revocation_document
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    JWKS_URL,
    KID,
    NOW,
    REVOCATIONS_URL,
    Clock,
    MemoryFetch,
    open_document,
    refusal_code,
)


def publish_document(fetch: MemoryFetch, key: Ed25519PrivateKey, **document: Any) -> None:
    fetch.publish(REVOCATIONS_URL, revocation_document(key, KID, open_document(**document)))


def test_a_repeated_token_is_answered_from_the_cache(
    verifier: Verifier, factory: TokenFactory
) -> None:
    token = factory.mint()
    first = verifier.verify(token)
    assert verifier.status().cached_tokens == 1
    assert verifier.verify(token) is first


def test_a_cached_token_is_refused_once_its_jti_is_revoked(
    verifier: Verifier, factory: TokenFactory, fetch: MemoryFetch, key: Ed25519PrivateKey
) -> None:
    token = factory.mint()
    jti = verifier.verify(token).jti
    publish_document(fetch, key, serial=2, jtis={jti: NOW + 600})
    verifier.refresh()
    assert refusal_code(verifier, token) == "revoked.jti"


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"tiers": {AUDIENCE: {"state": "suspended", "epoch": 1}}}, "revoked.tier_suspended"),
        ({"tiers": {AUDIENCE: {"state": "open", "epoch": 2}}}, "revoked.epoch"),
        ({"users": {SUB: NOW}}, "revoked.user"),
        ({"tiers": {}}, "revoked.unknown_tier"),
    ],
)
def test_a_cached_token_is_refused_by_every_kind_of_revocation(
    document: dict[str, Any],
    code: str,
    verifier: Verifier,
    factory: TokenFactory,
    fetch: MemoryFetch,
    key: Ed25519PrivateKey,
) -> None:
    token = factory.mint()
    verifier.verify(token)
    publish_document(fetch, key, serial=2, **document)
    verifier.refresh()
    assert refusal_code(verifier, token) == code


def test_a_cached_token_survives_an_unrelated_revocation(
    verifier: Verifier, factory: TokenFactory, fetch: MemoryFetch, key: Ed25519PrivateKey
) -> None:
    token = factory.mint()
    verifier.verify(token)
    publish_document(fetch, key, serial=2, jtis={"00000000-0000-4000-8000-000000000000": NOW})
    verifier.refresh()
    assert refusal_code(verifier, token) is None


def test_a_reopened_tier_accepts_tokens_again(
    verifier: Verifier, factory: TokenFactory, fetch: MemoryFetch, key: Ed25519PrivateKey
) -> None:
    token = factory.mint()
    publish_document(fetch, key, serial=2, tiers={AUDIENCE: {"state": "suspended", "epoch": 1}})
    verifier.refresh()
    assert refusal_code(verifier, token) == "revoked.tier_suspended"
    publish_document(fetch, key, serial=3)
    verifier.refresh()
    assert refusal_code(verifier, token) is None


def test_a_cached_token_expires_on_time(
    verifier: Verifier,
    factory: TokenFactory,
    clock: Clock,
    fetch: MemoryFetch,
    key: Ed25519PrivateKey,
) -> None:
    token = factory.mint()  # exp = NOW + 600, leeway 30
    verifier.verify(token)
    clock.now = NOW + 629.5
    # The issuer's heartbeat keeps the revocation copy fresh; only expiry is on trial.
    publish_document(fetch, key, serial=2, iat=NOW + 620)
    verifier.refresh()
    assert refusal_code(verifier, token) is None
    clock.now = NOW + 630
    assert refusal_code(verifier, token) == "claims.expired"
    assert verifier.status().cached_tokens == 0


def test_a_cached_token_fails_closed_when_revocations_go_stale(
    verifier: Verifier, factory: TokenFactory, fetch: MemoryFetch, clock: Clock
) -> None:
    token = factory.mint()
    verifier.verify(token)
    fetch.fail(REVOCATIONS_URL)
    clock.advance(61)
    verifier.refresh()
    assert refusal_code(verifier, token) == "revocation.stale"


def test_a_cached_token_goes_when_its_key_is_withdrawn(
    verifier: Verifier, factory: TokenFactory, fetch: MemoryFetch
) -> None:
    token = factory.mint()
    verifier.verify(token)
    fetch.publish(JWKS_URL, json.dumps(jwks((Ed25519PrivateKey.generate(), "key-2026-02"))))
    verifier.refresh()
    assert refusal_code(verifier, token) == "key.unknown"


def test_the_cache_is_bounded(
    make_verifier: Callable[..., Verifier], factory: TokenFactory
) -> None:
    verifier = make_verifier(cache_size=3)
    tokens = [factory.mint() for _ in range(5)]
    for token in tokens:
        verifier.verify(token)
    assert verifier.status().cached_tokens == 3
    # Evicted tokens still verify; they are just checked again in full.
    assert all(refusal_code(verifier, token) is None for token in tokens)


def test_a_zero_size_cache_caches_nothing(
    make_verifier: Callable[..., Verifier], factory: TokenFactory
) -> None:
    verifier = make_verifier(cache_size=0)
    token = factory.mint()
    assert verifier.verify(token) == verifier.verify(token)
    assert verifier.status().cached_tokens == 0


def test_str_and_bytes_spellings_of_a_token_verify_alike(
    verifier: Verifier, factory: TokenFactory
) -> None:
    token = factory.mint()
    assert verifier.verify(token) == verifier.verify(token.encode()) == verifier.verify(token)
