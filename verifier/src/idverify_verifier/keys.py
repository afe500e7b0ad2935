"""Ed25519 public keys from a JWKS, and the signature check behind them.

PyNaCl (libsodium) checks an Ed25519 signature markedly faster than ``cryptography``
(OpenSSL) from Python, so it is used when importable; both refuse non-canonical
signatures (S >= L), so the choice never changes which tokens verify.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from idverify_verifier.compact import ALG, b64url_decode
from idverify_verifier.errors import InvalidToken

Backend = Literal["auto", "nacl", "cryptography"]
SignatureCheck = Callable[[bytes, bytes], bool]
"""``check(signature, signing_input) -> bool``; never raises."""

log = logging.getLogger("idverify_verifier")

SIGNATURE_BYTES: Final = 64
PUBLIC_KEY_BYTES: Final = 32


def nacl_available() -> bool:
    try:
        import nacl.bindings  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_backend(backend: Backend) -> Literal["nacl", "cryptography"]:
    if backend == "auto":
        return "nacl" if nacl_available() else "cryptography"
    if backend == "nacl" and not nacl_available():
        raise ValueError(
            "backend 'nacl' needs PyNaCl installed (pip install idverify-verifier[nacl])"
        )
    if backend not in ("nacl", "cryptography"):
        raise ValueError(f"unknown signature backend {backend!r}")
    return backend


def _nacl_check(public_key: bytes) -> SignatureCheck:
    from nacl.bindings import crypto_sign_open
    from nacl.exceptions import CryptoError

    def check(signature: bytes, signing_input: bytes) -> bool:
        if len(signature) != SIGNATURE_BYTES:
            return False
        try:
            crypto_sign_open(signature + signing_input, public_key)
        except (CryptoError, ValueError, TypeError):
            return False
        return True

    return check


def _cryptography_check(public_key: bytes) -> SignatureCheck:
    key = Ed25519PublicKey.from_public_bytes(public_key)

    def check(signature: bytes, signing_input: bytes) -> bool:
        if len(signature) != SIGNATURE_BYTES:
            return False
        try:
            key.verify(signature, signing_input)
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True

    return check


def _public_key_bytes(jwk: Mapping[str, Any]) -> bytes | None:
    """The raw key if this JWK may verify EdDSA signatures, else None (and why, in the log)."""
    kid = jwk.get("kid")
    problem: str | None = None
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        problem = "not an OKP/Ed25519 key"
    elif jwk.get("alg", ALG) != ALG:
        problem = "its alg is not EdDSA, and the algorithm is pinned to the key"
    elif jwk.get("use", "sig") != "sig":
        problem = "its use is not sig"
    elif "key_ops" in jwk and (type(jwk["key_ops"]) is not list or "verify" not in jwk["key_ops"]):
        problem = "its key_ops do not include verify"
    elif "d" in jwk:
        # A published private half means anyone can mint tokens with this key.
        problem = "it publishes its private key"
    x = jwk.get("x")
    if problem is None and type(x) is not str:
        problem = "it has no x"
    if problem is None:
        assert isinstance(x, str)  # noqa: S101 - narrowed above, for the type checker
        try:
            raw = b64url_decode(x.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            raw = b""
        if len(raw) == PUBLIC_KEY_BYTES:
            return raw
        problem = "its x is not a canonical 32-byte base64url value"
    log.warning("ignoring JWKS key %r: %s", kid, problem)
    return None


def parse_jwks(document: object) -> dict[str, bytes]:
    """Map kid -> raw Ed25519 public key for every usable key.

    Raises ``ValueError`` when the document is not a JWKS at all. Keys that are not
    usable for EdDSA are skipped; a kid that appears twice is dropped, since a token
    naming it would be ambiguous.
    """
    if type(document) is not dict or type(document.get("keys")) is not list:
        raise ValueError("a JWKS is a JSON object with a 'keys' list")
    found: dict[str, bytes] = {}
    seen: set[str] = set()
    for jwk in document["keys"]:
        if type(jwk) is not dict:
            continue
        kid = jwk.get("kid")
        if type(kid) is not str or not kid:
            continue
        if kid in seen:
            log.warning("ignoring JWKS kid %r: it appears more than once", kid)
            found.pop(kid, None)
            continue
        seen.add(kid)
        raw = _public_key_bytes(jwk)
        if raw is not None:
            found[kid] = raw
    return found


def signature_checks(
    public_keys: Mapping[str, bytes], backend: Literal["nacl", "cryptography"]
) -> dict[str, SignatureCheck]:
    make = _nacl_check if backend == "nacl" else _cryptography_check
    checks: dict[str, SignatureCheck] = {}
    for kid, raw in public_keys.items():
        try:
            checks[kid] = make(raw)
        except ValueError:
            log.warning("ignoring JWKS kid %r: not a valid Ed25519 public key", kid)
    return checks
