"""A verifier refuses to start misconfigured, and works with a fixed JWKS and no network."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier import InvalidToken, Verifier, urllib_fetch
from idverify_verifier.testing import TokenFactory, jwk, jwks
from idverify_verifier.testing.doubles import AUDIENCE, ISSUER, JWKS_PATH, KID, Clock, IssuerServer


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        ({}, "exactly one of jwks_url and jwks"),
        ({"jwks_url": "https://x.test/jwks", "jwks": {"keys": []}}, "exactly one"),
        ({"jwks_url": "file:///etc/passwd"}, "http or https"),
        ({"jwks_url": "https://x.test/j", "revocations_url": "ftp://x.test/r"}, "http or https"),
        ({"jwks": {"keys": []}}, "no usable Ed25519 key"),
        ({"jwks": {"keys": "nope"}}, "'keys' list"),
        ({"jwks_url": "https://x.test/j", "issuer": ""}, "issuer"),
        ({"jwks_url": "https://x.test/j", "audience": ""}, "audience"),
        (
            {
                "jwks_url": "https://x.test/j",
                "revocations_url": "https://x.test/r",
                "poll_interval": 60,
            },
            "poll_interval",
        ),
        ({"jwks_url": "https://x.test/j", "leeway": -1}, "leeway"),
        ({"jwks_url": "https://x.test/j", "backend": "openssl"}, "backend"),
    ],
)
def test_a_misconfigured_verifier_refuses_to_start(options: dict[str, Any], complaint: str) -> None:
    arguments: dict[str, Any] = {"issuer": ISSUER, "audience": AUDIENCE, **options}
    with pytest.raises(ValueError, match=complaint):
        Verifier(**arguments)


def test_a_fixed_jwks_without_revocations_needs_no_network_or_thread(
    key: Ed25519PrivateKey, factory: TokenFactory, clock: Callable[[], float]
) -> None:
    def no_network(url: str, etag: str | None) -> Any:
        raise AssertionError("no fetch expected")

    verifier = Verifier(
        issuer=ISSUER, audience=AUDIENCE, jwks=jwks((key, KID)), clock=clock, fetch=no_network
    )
    assert not verifier.needs_start
    assert verifier.verify(factory.mint()).sub
    assert not verifier.status().running
    with pytest.raises(InvalidToken) as refused:
        verifier.verify(factory.mint(header=factory.header(kid="other")))
    assert refused.value.code == "key.unknown"


def test_a_fixed_jwks_skips_keys_it_cannot_use(
    key: Ed25519PrivateKey, factory: TokenFactory, clock: Callable[[], float]
) -> None:
    document = {"keys": [{"kty": "RSA", "kid": "rsa", "n": "AQAB", "e": "AQAB"}, jwk(key, KID)]}
    verifier = Verifier(issuer=ISSUER, audience=AUDIENCE, jwks=document, clock=clock)
    assert verifier.status().kids == (KID,)
    assert verifier.verify(factory.mint()).aud == AUDIENCE


def test_the_default_fetch_sends_if_none_match_and_reads_304(
    server: IssuerServer, key: Ed25519PrivateKey
) -> None:
    server.publish(JWKS_PATH, json.dumps(jwks((key, KID))))
    fetch = urllib_fetch(timeout=2)
    first = fetch(server.jwks_url, None)
    assert first.status == 200
    assert json.loads(first.body)["keys"][0]["kid"] == KID
    again = fetch(server.jwks_url, first.etag)
    assert (again.status, again.body) == (304, b"")


def test_the_default_fetch_refuses_an_oversized_answer(
    server: IssuerServer, key: Ed25519PrivateKey
) -> None:
    server.publish(JWKS_PATH, json.dumps(jwks((key, KID))))
    with pytest.raises(Exception, match="more than 10 bytes"):
        urllib_fetch(max_bytes=10)(server.jwks_url, None)


def test_the_default_fetch_reports_http_errors_as_statuses(server: IssuerServer) -> None:
    assert urllib_fetch()(server.base_url + "/missing", None).status == 404


def test_a_closed_verifier_stops_fetching_and_fails_closed(
    make_verifier: Callable[..., Verifier], factory: TokenFactory, clock: Clock
) -> None:
    never_started = make_verifier()
    never_started.close()
    with pytest.raises(InvalidToken) as refused:
        never_started.verify(factory.mint())
    assert refused.value.code == "jwks.unavailable"

    verifier = make_verifier()
    verifier.start()
    verifier.close()
    token = factory.mint()
    assert verifier.verify(token).jti
    clock.advance(61)
    with pytest.raises(InvalidToken) as refused:
        verifier.verify(token)
    assert refused.value.code == "revocation.stale"
    with pytest.raises(RuntimeError, match="closed"):
        verifier.start()


def test_a_verifier_without_revocations_says_so_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="idverify_verifier"):
        Verifier(issuer=ISSUER, audience=AUDIENCE, jwks=jwks((Ed25519PrivateKey.generate(), KID)))
    assert "no revocations_url" in caplog.text
