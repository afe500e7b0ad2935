"""One verifier shared by many threads while its keys and revocations change underneath."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier import InvalidToken, Verifier
from idverify_verifier.testing import TokenFactory, jwks, revocation_document
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    JWKS_URL,
    KID,
    REVOCATIONS_URL,
    MemoryFetch,
    open_document,
)

THREADS = 8
ROUNDS = 60


def test_concurrent_verifies_see_only_claims_or_invalid_token_during_changes(
    make_verifier: Callable[..., Verifier],
    factory: TokenFactory,
    fetch: MemoryFetch,
    key: Ed25519PrivateKey,
) -> None:
    verifier = make_verifier(cache_size=16)
    verifier.start()
    tokens = [factory.mint() for _ in range(32)]
    surprises: list[BaseException] = []
    codes: set[str | None] = set()
    done = threading.Event()

    def verify_forever() -> None:
        try:
            for n in range(ROUNDS * len(tokens)):
                try:
                    verifier.verify(tokens[n % len(tokens)])
                    codes.add(None)
                except InvalidToken as refused:
                    codes.add(refused.code)
        except BaseException as error:
            surprises.append(error)

    def churn() -> None:
        other = Ed25519PrivateKey.generate()
        serial = 1
        while not done.is_set():
            serial += 1
            state = "suspended" if serial % 2 else "open"
            fetch.publish(
                REVOCATIONS_URL,
                revocation_document(
                    key,
                    KID,
                    open_document(serial=serial, tiers={AUDIENCE: {"state": state, "epoch": 1}}),
                ),
            )
            keys = ((key, KID), (other, f"spare-{serial}"))
            fetch.publish(JWKS_URL, json.dumps(jwks(*keys)))
            verifier.refresh()

    workers = [threading.Thread(target=verify_forever) for _ in range(THREADS)]
    changer = threading.Thread(target=churn)
    changer.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    done.set()
    changer.join(timeout=30)

    assert surprises == []
    # The churn really was seen: both the open and the suspended tier answered.
    assert codes == {None, "revoked.tier_suspended"}
    # And once it stops on an open document, every token verifies again.
    fetch.publish(REVOCATIONS_URL, revocation_document(key, KID, open_document(serial=10**6)))
    verifier.refresh()
    assert all(verifier.verify(token).aud == AUDIENCE for token in tokens)
