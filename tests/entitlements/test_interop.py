"""Tokens verify with independent JOSE libraries (PyJWT, jwcrypto) against the published JWKS."""

from __future__ import annotations

import json

import jwt as pyjwt
import pytest
from django.test import Client
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jwt as jwcrypto_jwt
from pytest_django.fixtures import Settings

from entitlements.services.tokens import token_issue
from tests.entitlements.support import person, signals, tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def token() -> str:
    outcome = token_issue(user=person(2), tier=tier("fable-5", min_level=2), signals=signals())
    assert outcome.token is not None
    return outcome.token


def test_pyjwt_verifies_a_token_with_the_jwks(
    client: Client, token: str, settings: Settings
) -> None:
    jwks = pyjwt.PyJWKSet.from_dict(client.get("/.well-known/jwks.json").json())
    kid = pyjwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks.keys if k.key_id == kid)
    claims = pyjwt.decode(
        token,
        key,
        algorithms=["EdDSA"],
        audience="fable-5",
        issuer=settings.IDV_BASE_URL,
        options={"require": ["exp", "iat", "nbf", "jti", "sub"]},
    )
    assert claims["aud"] == "fable-5"
    assert pyjwt.get_unverified_header(token)["typ"] == "entitlement+jwt"


def test_pyjwt_rejects_a_tampered_token(client: Client, token: str) -> None:
    jwks = pyjwt.PyJWKSet.from_dict(client.get("/.well-known/jwks.json").json())
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload[:-2]}AA.{signature}"
    with pytest.raises(pyjwt.InvalidTokenError):
        pyjwt.decode(tampered, jwks.keys[0], algorithms=["EdDSA"], audience="fable-5")


def test_jwcrypto_verifies_a_token_with_the_jwks(
    client: Client, token: str, settings: Settings
) -> None:
    keyset = jwcrypto_jwk.JWKSet.from_json(client.get("/.well-known/jwks.json").content)
    verified = jwcrypto_jwt.JWT(
        jwt=token,
        key=keyset,
        algs=["EdDSA"],
        check_claims={"iss": settings.IDV_BASE_URL, "aud": "fable-5", "exp": None},
    )
    claims = json.loads(verified.claims)
    assert claims["aud"] == "fable-5"
    assert json.loads(verified.token.objects["protected"])["typ"] == "entitlement+jwt"
