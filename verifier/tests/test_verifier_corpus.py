"""Every rule of the token contract, one corpus case at a time, on both signature backends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier import REASON_CODES, Verifier
from idverify_verifier.testing import jwks, revocation_document
from idverify_verifier.testing.corpus import LEEWAY, CorpusCase, build_corpus
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    ISSUER,
    KID,
    NOW,
    REVOCATIONS_URL,
    MemoryFetch,
    refusal_code,
)

# Codes about the verifier's own state, not the token; test_verifier_refresh covers them.
STATE_CODES = {"revocation.stale", "jwks.unavailable"}
# A code that depends on the verifier's min_ial; test_verifier_assurance covers it.
CONFIG_CODES = {"assurance.too_low"}
CORPUS_KEY = Ed25519PrivateKey.generate()
CORPUS = build_corpus(key=CORPUS_KEY, kid=KID, issuer=ISSUER, audience=AUDIENCE, now=NOW)


@pytest.fixture
def corpus_verifier(
    make_verifier: Callable[..., Verifier], backend: str
) -> Callable[[CorpusCase], Verifier]:
    def make(case: CorpusCase) -> Verifier:
        fetch = MemoryFetch()
        fetch.publish(REVOCATIONS_URL, revocation_document(CORPUS_KEY, KID, case.revocations))
        verifier = make_verifier(
            jwks_url=None,
            jwks=jwks((CORPUS_KEY, KID)),
            fetch=fetch,
            leeway=LEEWAY,
            backend=backend,
        )
        verifier.refresh()
        return verifier

    return make


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_each_corpus_case_gets_its_expected_verdict_twice(
    case: CorpusCase, corpus_verifier: Callable[[CorpusCase], Verifier]
) -> None:
    verifier = corpus_verifier(case)
    assert refusal_code(verifier, case.token) == case.expected_code
    # The second time an accepted token comes from the cache: same verdict.
    assert refusal_code(verifier, case.token) == case.expected_code


def test_the_corpus_covers_every_token_reason_code() -> None:
    covered = {case.expected_code for case in CORPUS}
    all_codes: set[str] = set(REASON_CODES)
    assert covered - {None} == all_codes - STATE_CODES - CONFIG_CODES
    assert None in covered


def test_the_corpus_names_are_unique() -> None:
    names = [case.name for case in CORPUS]
    assert len(names) == len(set(names))


def test_an_accepted_token_comes_back_as_typed_claims(
    corpus_verifier: Callable[[CorpusCase], Verifier],
) -> None:
    case = CORPUS[0]
    claims = corpus_verifier(case).verify(case.token)
    assert (claims.iss, claims.aud, claims.iat, claims.exp - claims.iat) == (
        ISSUER,
        AUDIENCE,
        NOW,
        600,
    )
    assert claims.usp.status == "us_citizen"
    assert claims.usp.is_us_person
    assert claims.geo.country == "US"
    assert claims.cnf_jkt is None
    assert (claims.ial, claims.evd) == ("ial1", ("vri",))
