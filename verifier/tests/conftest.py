from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier import Verifier
from idverify_verifier.testing import TokenFactory, jwks, revocation_document
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    ISSUER,
    JWKS_PATH,
    JWKS_URL,
    KID,
    NOW,
    REVOCATIONS_PATH,
    REVOCATIONS_URL,
    Clock,
    IssuerServer,
    MemoryFetch,
    issuer_server,
    open_document,
)


@pytest.fixture(params=["nacl", "cryptography"])
def backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def factory(key: Ed25519PrivateKey) -> TokenFactory:
    return TokenFactory(key=key, kid=KID, issuer=ISSUER, audience=AUDIENCE, now=NOW)


@pytest.fixture
def fetch(key: Ed25519PrivateKey) -> MemoryFetch:
    """An issuer in memory: its JWKS holds ``key`` and its tier is open."""
    fetch = MemoryFetch()
    fetch.publish(JWKS_URL, json.dumps(jwks((key, KID))))
    fetch.publish(REVOCATIONS_URL, revocation_document(key, KID, open_document()))
    return fetch


@pytest.fixture
def make_verifier(clock: Clock, fetch: MemoryFetch) -> Iterator[Callable[..., Verifier]]:
    """Build verifiers wired to the in-memory issuer; all are closed after the test."""
    made: list[Verifier] = []

    def make(**overrides: Any) -> Verifier:
        options: dict[str, Any] = {
            "issuer": ISSUER,
            "audience": AUDIENCE,
            "jwks_url": JWKS_URL,
            "revocations_url": REVOCATIONS_URL,
            "clock": clock,
            "fetch": fetch,
            "poll_interval": 50,  # longer than any test: tests drive polls with refresh()
        }
        options.update(overrides)
        verifier = Verifier(**options)
        made.append(verifier)
        return verifier

    yield make
    for verifier in made:
        verifier.close()


@pytest.fixture
def verifier(make_verifier: Callable[..., Verifier]) -> Verifier:
    """A started verifier on the in-memory issuer."""
    verifier = make_verifier()
    verifier.start()
    return verifier


@pytest.fixture
def server() -> Iterator[IssuerServer]:
    with issuer_server() as server:
        yield server


@pytest.fixture
def published(server: IssuerServer, key: Ed25519PrivateKey) -> IssuerServer:
    """The real local issuer, publishing ``key`` and an open tier."""
    server.publish(JWKS_PATH, json.dumps(jwks((key, KID))))
    server.publish(REVOCATIONS_PATH, revocation_document(key, KID, open_document()))
    return server


@pytest.fixture
def http_verifier(published: IssuerServer, clock: Clock) -> Iterator[Callable[..., Verifier]]:
    """Build verifiers polling the real local issuer; all are closed after the test."""
    made: list[Verifier] = []

    def make(**overrides: Any) -> Verifier:
        options: dict[str, Any] = {
            "issuer": ISSUER,
            "audience": AUDIENCE,
            "jwks_url": published.jwks_url,
            "revocations_url": published.revocations_url,
            "clock": clock,
            "poll_interval": 50,  # longer than any test: tests drive polls with refresh()
        }
        options.update(overrides)
        verifier = Verifier(**options)
        made.append(verifier)
        return verifier

    yield make
    for verifier in made:
        verifier.close()
