"""Compact JWS with Ed25519, written the one canonical way the contract allows.

base64url without padding, JSON without spaces and with sorted keys, so a
token's bytes depend only on its content and key (Ed25519 is deterministic).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ALG = "EdDSA"
TOKEN_TYP = "entitlement+jwt"  # noqa: S105 - a media type, not a secret
REVOCATIONS_TYP = "revocations+jwt"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sign_compact(
    payload: dict[str, Any], *, typ: str, kid: str, private_key: Ed25519PrivateKey
) -> str:
    header = b64url(canonical_json({"alg": ALG, "kid": kid, "typ": typ}))
    signing_input = f"{header}.{b64url(canonical_json(payload))}"
    signature = private_key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url(signature)}"


def okp_thumbprint(x: str) -> str:
    """RFC 7638 thumbprint of an Ed25519 public JWK (the members, sorted, no spaces)."""
    members = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
    return b64url(hashlib.sha256(members.encode("ascii")).digest())


def public_jwk(*, kid: str, x: str) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": ALG, "use": "sig"}
