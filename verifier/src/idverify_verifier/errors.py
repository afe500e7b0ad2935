"""The one exception ``Verifier.verify`` raises, and its stable reason codes."""

from __future__ import annotations

from typing import Final, Literal, get_args

ReasonCode = Literal[
    "malformed",
    "oversize",
    "header.alg",
    "header.typ",
    "header.forbidden",
    "header.kid",
    "key.unknown",
    "signature",
    "claims.invalid",
    "claims.iss",
    "claims.aud",
    "claims.expired",
    "claims.not_yet_valid",
    "claims.lifetime",
    "assurance.too_low",
    "revoked.unknown_tier",
    "revoked.tier_suspended",
    "revoked.not_us_person",
    "revoked.epoch",
    "revoked.user",
    "revoked.jti",
    "revocation.stale",
    "jwks.unavailable",
]

# The codes as values, in the order above (the Literal is the one list).
REASON_CODES: Final[tuple[ReasonCode, ...]] = get_args(ReasonCode)

# The token itself was fine but the verifier cannot currently vouch for it:
# the caller should retry later rather than fetch a new token.
UNAVAILABLE_CODES: Final[frozenset[ReasonCode]] = frozenset(
    {"revocation.stale", "jwks.unavailable"}
)


class InvalidToken(Exception):
    """A token was refused. ``code`` is one of ``REASON_CODES``; ``message`` is for people."""

    code: ReasonCode
    message: str

    def __init__(self, code: ReasonCode, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    @property
    def revoked(self) -> bool:
        """True when the token is authentic but its holder may not use it (HTTP 403)."""
        return self.code.startswith("revoked.")

    @property
    def unavailable(self) -> bool:
        """True when the verifier, not the token, is at fault (HTTP 503)."""
        return self.code in UNAVAILABLE_CODES
