"""Whatever arrives, verify() answers with Claims or InvalidToken, never anything else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idverify_verifier import REASON_CODES, Claims, InvalidToken, Verifier
from idverify_verifier.testing import (
    TokenFactory,
    compact_json,
    jwks,
    revocation_document,
    sign_compact,
)
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    ISSUER,
    KID,
    NOW,
    REVOCATIONS_URL,
    Clock,
    MemoryFetch,
    open_document,
)

KEY = Ed25519PrivateKey.generate()
FACTORY = TokenFactory(key=KEY, kid=KID, issuer=ISSUER, audience=AUDIENCE, now=NOW)
VALID = FACTORY.mint()
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
claim_names = st.sampled_from(
    ["iss", "sub", "aud", "iat", "nbf", "exp", "jti", "usp", "org", "geo", "epoch", "cnf", "x"]
)


def make_verifier() -> Verifier:
    fetch = MemoryFetch()
    fetch.publish(REVOCATIONS_URL, revocation_document(KEY, KID, open_document()))
    verifier = Verifier(
        issuer=ISSUER,
        audience=AUDIENCE,
        jwks=jwks((KEY, KID)),
        revocations_url=REVOCATIONS_URL,
        fetch=fetch,
        clock=Clock(NOW),
        poll_interval=50,
    )
    verifier.refresh()
    return verifier


VERIFIER = make_verifier()


def outcome(token: Any) -> Claims | InvalidToken:
    try:
        return VERIFIER.verify(token)
    except InvalidToken as error:
        refused = error
    assert refused.code in REASON_CODES
    assert refused.message
    return refused


@FUZZ
@given(st.binary(max_size=9000))
def test_random_bytes_are_refused(data: bytes) -> None:
    assert isinstance(outcome(data), InvalidToken)


@FUZZ
@given(st.text(max_size=600))
def test_random_text_is_refused(text: str) -> None:
    assert isinstance(outcome(text), InvalidToken)


@FUZZ
@given(st.from_regex(r"[A-Za-z0-9_\-]{0,120}\.[A-Za-z0-9_\-=+/ ]{0,300}\.[A-Za-z0-9_\-]{0,90}"))
def test_random_three_segment_tokens_are_refused(text: str) -> None:
    assert isinstance(outcome(text), InvalidToken)


@pytest.mark.parametrize("thing", [None, 42, 4.2, ["a.b.c"], {"token": VALID}, object()])
def test_a_token_of_the_wrong_type_is_malformed(thing: object) -> None:
    result = outcome(thing)
    assert isinstance(result, InvalidToken)
    assert result.code == "malformed"


@FUZZ
@given(json_values, json_values)
def test_signed_random_json_never_breaks_the_verifier(header: Any, payload: Any) -> None:
    token = sign_compact(KEY, json.dumps(header).encode(), json.dumps(payload).encode())
    assert isinstance(outcome(token), InvalidToken)


@FUZZ
@given(st.dictionaries(claim_names, json_values, min_size=1, max_size=4))
def test_valid_claims_with_random_values_give_claims_or_invalid_token(
    overrides: dict[str, Any],
) -> None:
    claims = FACTORY.claims()
    claims.update(overrides)
    token = sign_compact(KEY, compact_json(FACTORY.header()), json.dumps(claims).encode())
    result = outcome(token)
    if isinstance(result, Claims):
        # Accepted only when every claim it reports is what was signed.
        assert (result.sub, result.jti, result.exp) == (claims["sub"], claims["jti"], claims["exp"])


@st.composite
def mutations(draw: st.DrawFn) -> str:
    token = VALID
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        position = draw(st.integers(min_value=0, max_value=max(len(token) - 1, 0)))
        edit = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "swap"]))
        char = draw(st.sampled_from("AQgw_-=+/. \n\x00é" + "abcdefXYZ0189"))
        if edit == "replace":
            token = token[:position] + char + token[position + 1 :]
        elif edit == "insert":
            token = token[:position] + char + token[position:]
        elif edit == "delete":
            token = token[:position] + token[position + 1 :]
        elif edit == "truncate":
            token = token[:position]
        else:
            parts = token.split(".")
            draw(st.randoms()).shuffle(parts)
            token = ".".join(parts)
    return token


@FUZZ
@given(mutations())
def test_any_change_to_a_valid_token_is_refused(token: str) -> None:
    """Canonical encoding plus the signature leave exactly one spelling that verifies."""
    result = outcome(token)
    if token == VALID:
        assert isinstance(result, Claims)
    else:
        assert isinstance(result, InvalidToken)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_a_signed_revocation_document_of_any_shape_never_breaks_refresh(payload: Any) -> None:
    fetch = MemoryFetch()
    fetch.publish(REVOCATIONS_URL, revocation_document(KEY, KID, open_document()))
    verifier = Verifier(
        issuer=ISSUER,
        audience=AUDIENCE,
        jwks=jwks((KEY, KID)),
        revocations_url=REVOCATIONS_URL,
        fetch=fetch,
        clock=Clock(NOW),
        poll_interval=50,
    )
    try:
        verifier.refresh()
        body = sign_compact(
            KEY,
            compact_json({"alg": "EdDSA", "typ": "revocations+jwt", "kid": KID}),
            json.dumps(payload).encode(),
        )
        fetch.publish(REVOCATIONS_URL, body)
        status = verifier.refresh()
        # Nothing usable came, so the held document (serial 1) stays and the token still works.
        assert status.revocations_serial == 1
        assert status.failed_fetches == 1
        assert verifier.verify(VALID).aud == AUDIENCE
    finally:
        # Its polling thread would otherwise fetch the unusable document again, and log
        # about it, long after this example (and pytest's capture of its output) ended.
        verifier.close()
