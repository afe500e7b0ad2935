"""Helpers to mint entitlement tokens, JWKS and revocation documents for tests.

They use ``cryptography`` directly and share no code with the verifier, so a test
that mints here and verifies there checks the verifier against the contract, not
against itself. Never use these to issue real tokens.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = [
    "DOCUMENT_TTL",
    "OMIT",
    "SUB",
    "TokenFactory",
    "b64url",
    "compact_json",
    "jwk",
    "jwks",
    "public_bytes",
    "revocation_document",
    "revocations_payload",
    "sign_compact",
]

# How long a test revocation document is valid unless told otherwise.
DOCUMENT_TTL: Final = 60
SUB: Final = "8f14e45f-ceea-467f-a0e6-1b3c5d7e9f01"
ORG: Final = "0b8e6d9a-3c41-4f7e-9a2b-5d6c7e8f9a0b"


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT: Final = _Omit()
"""Pass as a claim or header value to leave that member out."""


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def compact_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def jwk(key: Ed25519PrivateKey, kid: str) -> dict[str, str]:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(public_bytes(key)),
        "kid": kid,
        "alg": "EdDSA",
        "use": "sig",
    }


def jwks(*keys: tuple[Ed25519PrivateKey, str]) -> dict[str, list[dict[str, str]]]:
    return {"keys": [jwk(key, kid) for key, kid in keys]}


def sign_compact(key: Ed25519PrivateKey, header: bytes, payload: bytes) -> str:
    """Sign raw header and payload bytes, so tests can sign deliberately odd JSON."""
    signing_input = f"{b64url(header)}.{b64url(payload)}"
    return f"{signing_input}.{b64url(key.sign(signing_input.encode('ascii')))}"


def _without_omitted(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not OMIT}


@dataclass
class TokenFactory:
    """Mints entitlement tokens valid at ``now`` unless told otherwise."""

    key: Ed25519PrivateKey
    kid: str
    issuer: str
    audience: str
    now: int
    lifetime: int = 600
    epoch: int = 1
    defaults: dict[str, Any] = field(default_factory=dict)

    def claims(self, **overrides: Any) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": SUB,
            "aud": self.audience,
            "iat": self.now,
            "nbf": self.now,
            "exp": self.now + self.lifetime,
            "jti": str(uuid.uuid4()),
            "usp": {"status": "us_citizen", "level": 2, "basis": "document"},
            "org": ORG,
            "ial": "ial1",
            "evd": ["vri"],
            "geo": {"country": "US", "subdivision": "US-CA"},
            "epoch": self.epoch,
        }
        claims.update(self.defaults)
        claims.update(overrides)
        return _without_omitted(claims)

    def header(self, **overrides: Any) -> dict[str, Any]:
        header: dict[str, Any] = {"alg": "EdDSA", "typ": "entitlement+jwt", "kid": self.kid}
        header.update(overrides)
        return _without_omitted(header)

    def mint(
        self,
        *,
        header: dict[str, Any] | None = None,
        key: Ed25519PrivateKey | None = None,
        **claim_overrides: Any,
    ) -> str:
        return sign_compact(
            key or self.key,
            compact_json(self.header() if header is None else header),
            compact_json(self.claims(**claim_overrides)),
        )


def revocations_payload(
    *,
    issuer: str,
    serial: int,
    iat: int,
    tiers: dict[str, dict[str, Any]],
    users: dict[str, int] | None = None,
    jtis: dict[str, int] | None = None,
    exp: int | _Omit | None = None,
) -> dict[str, Any]:
    """A revocation document payload; ``exp`` defaults to ``iat + DOCUMENT_TTL``."""
    return _without_omitted(
        {
            "iss": issuer,
            "iat": iat,
            "exp": iat + DOCUMENT_TTL if exp is None else exp,
            "serial": serial,
            "tiers": tiers,
            "users": users or {},
            "jtis": jtis or {},
        }
    )


def revocation_document(
    key: Ed25519PrivateKey, kid: str, payload: dict[str, Any], *, typ: str = "revocations+jwt"
) -> str:
    header = {"alg": "EdDSA", "typ": typ, "kid": kid}
    return sign_compact(key, compact_json(header), compact_json(payload))
