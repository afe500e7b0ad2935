"""A corpus of entitlement tokens: one or more per rejection rule, plus accepted ones.

Every case is judged at ``now`` with a leeway of 30 s, the given ``issuer`` and
``audience``, the JWKS holding only ``(key, kid)``, and ``case.revocations`` as the
payload of the revocation document in force. The service's introspection endpoint
should agree: ``active`` exactly when ``expected_code`` is None.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier.testing.corpus import meaning, wire
from idverify_verifier.testing.corpus.builder import LEEWAY, Builder, CorpusCase

__all__ = ["LEEWAY", "CorpusCase", "build_corpus"]


def build_corpus(
    *, key: Ed25519PrivateKey, kid: str, issuer: str, audience: str, now: int
) -> list[CorpusCase]:
    builder = Builder(key=key, kid=kid, issuer=issuer, audience=audience, now=now)
    meaning.accepted(builder)
    wire.encoding(builder)
    wire.header(builder)
    wire.signature(builder)
    meaning.claims(builder)
    meaning.revocation(builder)
    return builder.cases
