"""The corpus's cases and the builder each family of rules adds its cases with."""

from __future__ import annotations

import base64
from typing import Any, Final, NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier.errors import ReasonCode
from idverify_verifier.testing import (
    TokenFactory,
    compact_json,
    revocations_payload,
    sign_compact,
)

LEEWAY: Final = 30


class CorpusCase(NamedTuple):
    name: str
    token: str
    expected_code: ReasonCode | None
    revocations: dict[str, Any]


def unb64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def with_segment(token: str, index: int, segment: str) -> str:
    parts = token.split(".")
    parts[index] = segment
    return ".".join(parts)


def segment_of(token: str, index: int) -> str:
    return token.split(".")[index]


class Builder:
    """The corpus under construction: a token factory for the key, and the cases so far."""

    def __init__(
        self, *, key: Ed25519PrivateKey, kid: str, issuer: str, audience: str, now: int
    ) -> None:
        self.f = TokenFactory(key=key, kid=kid, issuer=issuer, audience=audience, now=now)
        self.key, self.kid, self.issuer, self.audience, self.now = key, kid, issuer, audience, now
        self.valid = self.f.mint()
        self.cases: list[CorpusCase] = []

    def doc(self, state: str = "open", epoch: int = 1, **extra: Any) -> dict[str, Any]:
        tiers = {self.audience: {"state": state, "epoch": epoch}}
        return revocations_payload(
            issuer=self.issuer, serial=7, iat=self.now - 10, tiers=tiers, **extra
        )

    def add(
        self, name: str, token: str, code: ReasonCode | None, doc: dict[str, Any] | None = None
    ) -> None:
        self.cases.append(CorpusCase(name, token, code, self.doc() if doc is None else doc))

    def signed(self, header: bytes | dict[str, Any], payload: bytes | dict[str, Any]) -> str:
        h = header if isinstance(header, bytes) else compact_json(header)
        p = payload if isinstance(payload, bytes) else compact_json(payload)
        return sign_compact(self.key, h, p)

    def payload_plus(self, extra: bytes, **overrides: Any) -> bytes:
        """The default claims with raw JSON text appended inside the object."""
        return compact_json(self.f.claims(**overrides))[:-1] + b"," + extra + b"}"
