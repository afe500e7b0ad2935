"""The issuer's server stopped outright (connection refused, not an error status).

A verifier keeps its last good JWKS and revocation document and goes on
accepting valid tokens while the document's signed age allows, then fails
closed with ``revocation.stale`` (recovery once it answers again is
test_verifier_refresh's).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier import InvalidToken, Verifier
from idverify_verifier.testing import TokenFactory, jwks, revocation_document
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    ISSUER,
    JWKS_PATH,
    KID,
    NOW,
    REVOCATIONS_PATH,
    Clock,
    IssuerServer,
    issuer_server,
    open_document,
)

MAX_AGE = 60


def code_of(verifier: Verifier, token: str) -> str | None:
    try:
        verifier.verify(token)
    except InvalidToken as error:
        return error.code
    return None


@pytest.fixture
def running(key: Ed25519PrivateKey, clock: Clock) -> Iterator[tuple[Verifier, IssuerServer]]:
    with issuer_server() as server:
        server.publish(JWKS_PATH, json.dumps(jwks((key, KID))))
        server.publish(
            REVOCATIONS_PATH,
            revocation_document(key, KID, open_document(iat=int(NOW), exp=int(NOW) + 10 * MAX_AGE)),
        )
        verifier = Verifier(
            issuer=ISSUER,
            audience=AUDIENCE,
            jwks_url=server.jwks_url,
            revocations_url=server.revocations_url,
            clock=clock,
            poll_interval=50,
            max_revocation_age=MAX_AGE,
            leeway=0,
        )
        try:
            verifier.start()
            yield verifier, server
        finally:
            verifier.close()


def stop(server: IssuerServer) -> None:
    """Take the server off the network: connections are refused from now on."""
    server.httpd.shutdown()
    server.httpd.server_close()


def test_an_unreachable_issuer_leaves_the_last_good_copy_in_use_until_its_signed_age_runs_out(
    running: tuple[Verifier, IssuerServer], factory: TokenFactory, clock: Clock
) -> None:
    verifier, server = running
    stop(server)
    clock.advance(MAX_AGE / 2)
    status = verifier.refresh()
    assert status.failed_fetches >= 2  # both documents were tried and neither answered
    assert status.kids == (KID,)  # the keys are kept
    assert code_of(verifier, factory.mint()) is None  # still inside the signed age: accepted

    clock.advance(MAX_AGE / 2 + 1)
    verifier.refresh()
    assert code_of(verifier, factory.mint()) == "revocation.stale"  # then it fails closed
    assert not verifier.status().fresh
