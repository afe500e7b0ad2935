"""Tokens agree with independent JOSE libraries in both directions."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws
from jwcrypto import jwt as jwcrypto_jwt

from idverify_verifier import InvalidToken, Verifier
from idverify_verifier.testing import TokenFactory, jwks
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    ISSUER,
    JWKS_PATH,
    KID,
    IssuerServer,
)


@pytest.fixture
def live_factory(key: Ed25519PrivateKey) -> TokenFactory:
    """Tokens valid now by the wall clock, which the other libraries use."""
    return TokenFactory(key=key, kid=KID, issuer=ISSUER, audience=AUDIENCE, now=int(time.time()))


@pytest.fixture
def live_verifier(
    key: Ed25519PrivateKey, make_verifier: Callable[..., Verifier], backend: str
) -> Verifier:
    return make_verifier(
        jwks_url=None, jwks=jwks((key, KID)), revocations_url=None, clock=time.time, backend=backend
    )


def test_a_token_minted_by_pyjwt_verifies(
    key: Ed25519PrivateKey, live_factory: TokenFactory, live_verifier: Verifier
) -> None:
    claims = live_factory.claims()
    token = jwt.encode(
        claims, key, algorithm="EdDSA", headers={"typ": "entitlement+jwt", "kid": KID}
    )
    assert live_verifier.verify(token).jti == claims["jti"]


def test_a_pyjwt_token_without_our_typ_is_refused(
    key: Ed25519PrivateKey, live_factory: TokenFactory, live_verifier: Verifier
) -> None:
    token = jwt.encode(live_factory.claims(), key, algorithm="EdDSA", headers={"kid": KID})
    with pytest.raises(InvalidToken) as refused:
        live_verifier.verify(token)
    assert refused.value.code == "header.typ"


def test_a_token_minted_by_jwcrypto_verifies(
    key: Ed25519PrivateKey, live_factory: TokenFactory, live_verifier: Verifier
) -> None:
    signing_key = jwcrypto_jwk.JWK.from_pyca(key)
    claims = live_factory.claims()
    token = jwcrypto_jwt.JWT(
        header={"alg": "EdDSA", "typ": "entitlement+jwt", "kid": KID}, claims=claims
    )
    token.make_signed_token(signing_key)
    assert live_verifier.verify(token.serialize()).sub == claims["sub"]


def test_our_tokens_decode_with_pyjwt_against_the_published_jwks(
    key: Ed25519PrivateKey, live_factory: TokenFactory, server: IssuerServer
) -> None:
    server.publish(JWKS_PATH, json.dumps(jwks((Ed25519PrivateKey.generate(), "other"), (key, KID))))
    token = live_factory.mint()
    # PyJWKClient fetches the JWKS over HTTP and picks the key by kid.
    signing_key = jwt.PyJWKClient(server.jwks_url).get_signing_key_from_jwt(token)
    decoded: dict[str, Any] = jwt.decode(
        token, signing_key.key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER
    )
    assert jwt.get_unverified_header(token) == {
        "alg": "EdDSA",
        "typ": "entitlement+jwt",
        "kid": KID,
    }
    assert decoded["usp"] == {"status": "us_citizen", "level": 2, "basis": "document"}


def test_our_tokens_decode_with_jwcrypto_against_the_jwks(
    key: Ed25519PrivateKey, live_factory: TokenFactory
) -> None:
    keyset = jwcrypto_jwk.JWKSet.from_json(
        json.dumps(jwks((Ed25519PrivateKey.generate(), "other"), (key, KID)))
    )
    token = live_factory.mint()
    decoded = jwcrypto_jwt.JWT(
        jwt=token, key=keyset, check_claims={"iss": ISSUER, "aud": AUDIENCE, "exp": None}
    )
    assert (
        json.loads(decoded.claims)["jti"]
        == jwt.decode(token, options={"verify_signature": False})["jti"]
    )


def test_pyjwt_and_jwcrypto_also_refuse_a_token_signed_by_another_key(
    key: Ed25519PrivateKey, live_factory: TokenFactory
) -> None:
    """A sanity check that the two libraries above really verify signatures."""
    forged = live_factory.mint(key=Ed25519PrivateKey.generate())
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key.public_key(), algorithms=["EdDSA"], audience=AUDIENCE)
    with pytest.raises(jwcrypto_jws.InvalidJWSSignature):
        jwcrypto_jwt.JWT(jwt=forged, key=jwcrypto_jwk.JWK.from_pyca(key.public_key()))
