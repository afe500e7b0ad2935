"""Microseconds per token verification: idverify_verifier against its baselines.

    .venv/bin/python bench/verify.py [--tokens 2000] [--rounds 15] [--clock cpu|wall] [--check]

Baselines, all over the same freshly minted tokens: the raw Ed25519 check with
``cryptography`` and with PyNaCl (exactly the call the verifier's backend makes), and
PyJWT's ``decode`` with its own iss/aud/exp checks. Subjects run interleaved, round
after round, and each keeps its best round, so a busy machine skews them alike. The
default clock is this process's CPU time, which time spent descheduled does not
inflate; ``--clock wall`` uses perf_counter instead.

Targets: cold verify <= 0.6x PyJWT; cold verify <= 1.25x the raw signature check of the
backend in use; cached verify <= 2 us.
"""

from __future__ import annotations

import argparse
import base64
import json
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import jwt
import nacl.bindings
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier import Verifier
from idverify_verifier.keys import resolve_backend
from idverify_verifier.testing import TokenFactory, jwks, public_bytes, revocation_document
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    ISSUER,
    JWKS_URL,
    KID,
    REVOCATIONS_URL,
    MemoryFetch,
    open_document,
)

CACHED_CALLS_PER_TOKEN = 10


@dataclass
class Subject:
    name: str
    run: Callable[[], int]  # runs one round, returns how many verifications it made
    best: float = float("inf")


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def make_verifier(key: Ed25519PrivateKey, backend: str, cache_size: int) -> Verifier:
    fetch = MemoryFetch()
    fetch.publish(JWKS_URL, json.dumps(jwks((key, KID))))
    # Signed now and valid for the whole run, as the issuer's heartbeat would keep it.
    now = int(time.time())
    document = open_document(iat=now, exp=now + 7200)
    fetch.publish(REVOCATIONS_URL, revocation_document(key, KID, document))
    verifier = Verifier(
        issuer=ISSUER,
        audience=AUDIENCE,
        jwks_url=JWKS_URL,
        revocations_url=REVOCATIONS_URL,
        fetch=fetch,
        backend=backend,  # type: ignore[arg-type]
        cache_size=cache_size,
        # The in-memory issuer answers instantly; keep its poll out of the timings.
        poll_interval=3600,
        max_revocation_age=7200,
    )
    verifier.start()
    return verifier


def subjects(tokens: list[str], key: Ed25519PrivateKey) -> dict[str, Subject]:
    public_key = key.public_key()
    raw_key = public_bytes(key)
    split = []
    for token in tokens:
        header, payload, signature = token.split(".")
        split.append((b64url_decode(signature), f"{header}.{payload}".encode()))

    def raw_cryptography() -> int:
        for signature, signing_input in split:
            public_key.verify(signature, signing_input)
        return len(split)

    def raw_nacl() -> int:
        for signature, signing_input in split:
            nacl.bindings.crypto_sign_open(signature + signing_input, raw_key)
        return len(split)

    def pyjwt() -> int:
        for token in tokens:
            jwt.decode(
                token,
                public_key,
                algorithms=["EdDSA"],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"]},
            )
        return len(tokens)

    def verify_all(verifier: Verifier, fresh: bool) -> Callable[[], int]:
        verify = verifier.verify

        def run() -> int:
            if fresh:
                verifier._cache.clear()  # every round starts cold
            for token in tokens:
                verify(token)
            return len(tokens)

        return run

    cached_verifier = make_verifier(key, "nacl", cache_size=len(tokens) + 1)
    for token in tokens:
        cached_verifier.verify(token)

    def cached() -> int:
        verify = cached_verifier.verify
        for token in tokens:
            for _ in range(CACHED_CALLS_PER_TOKEN):
                verify(token)
        return len(tokens) * CACHED_CALLS_PER_TOKEN

    return {
        "raw cryptography": Subject("raw Ed25519, cryptography", raw_cryptography),
        "raw nacl": Subject("raw Ed25519, PyNaCl crypto_sign_open", raw_nacl),
        "pyjwt": Subject("PyJWT decode (EdDSA, iss/aud/exp)", pyjwt),
        "cold nacl": Subject(
            "verifier cold, PyNaCl, no cache",
            verify_all(make_verifier(key, "nacl", cache_size=0), fresh=False),
        ),
        "cold nacl cached": Subject(
            "verifier cold, PyNaCl, into the cache",
            verify_all(make_verifier(key, "nacl", cache_size=len(tokens) + 1), fresh=True),
        ),
        "cold cryptography": Subject(
            "verifier cold, cryptography, no cache",
            verify_all(make_verifier(key, "cryptography", cache_size=0), fresh=False),
        ),
        "cached": Subject("verifier cached (same token again)", cached),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter

    key = Ed25519PrivateKey.generate()
    factory = TokenFactory(key=key, kid=KID, issuer=ISSUER, audience=AUDIENCE, now=int(time.time()))
    tokens = [factory.mint() for _ in range(args.tokens)]
    table = subjects(tokens, key)
    for _ in range(args.rounds):
        for subject in table.values():
            started = clock()
            count = subject.run()
            subject.best = min(subject.best, (clock() - started) / count * 1e6)

    us = {name: subject.best for name, subject in table.items()}
    # The verifier's own work is interpreted Python while the signature check is C, so
    # how the interpreter was built (optimised or not) moves the cold-verify ratios:
    # name the interpreter.
    print(
        f"Python {platform.python_version()} ({sys.executable}), {platform.machine()},"
        f" {args.tokens} tokens x {args.rounds} rounds, {args.clock} clock, best round"
    )
    for subject in table.values():
        print(f"  {subject.name:42s} {subject.best:9.2f} us")
    in_use = resolve_backend("auto")
    targets = [
        ("cold / PyJWT", us[f"cold {in_use}"] / us["pyjwt"], 0.6),
        (f"cold / raw {in_use}", us[f"cold {in_use}"] / us[f"raw {in_use}"], 1.25),
        ("cached verify, us", us["cached"], 2.0),
    ]
    if in_use == "nacl":
        targets.insert(
            2, ("cold into cache / raw nacl", us["cold nacl cached"] / us["raw nacl"], 1.25)
        )
    print(f"targets (backend in use: {in_use}):")
    missed = 0
    for label, value, limit in targets:
        ok = value <= limit
        missed += not ok
        print(f"  {label:42s} {value:9.3f}  <= {limit:<5}  {'met' if ok else 'MISSED'}")
    print("fallback backend (cryptography, used when PyNaCl is absent), for reference:")
    print(
        f"  {'cold / raw cryptography':42s} {us['cold cryptography'] / us['raw cryptography']:9.3f}"
    )
    print(f"  {'cold / PyJWT':42s} {us['cold cryptography'] / us['pyjwt']:9.3f}")
    print(f"  {'raw cryptography alone / PyJWT':42s} {us['raw cryptography'] / us['pyjwt']:9.3f}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
