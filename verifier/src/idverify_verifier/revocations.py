"""The signed revocation document: its shape, and the rules it imposes on a token.

The document says when it was signed (``iat``) and until when it may be relied on
(``exp``); the issuer re-signs it on a heartbeat even when nothing changed, and its
``serial`` only grows. Freshness is judged from those signed times alone, so nobody
who merely relays the document (a cache, an on-path attacker) can make an old copy
look current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from idverify_verifier.claims import Claims, integral
from idverify_verifier.errors import InvalidToken

TIER_STATES: Final = frozenset({"open", "us_persons_only", "suspended"})


class RevocationDocumentError(ValueError):
    """The revocation document is authentic JSON but not of the agreed shape."""


@dataclass(frozen=True, slots=True)
class TierState:
    state: str
    epoch: int


@dataclass(frozen=True, slots=True)
class RevocationState:
    """One revocation document, checked and ready for per-token lookups.

    Two states are equal exactly when their documents say the same thing.
    """

    serial: int
    iat: int
    exp: int
    tiers: dict[str, TierState] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    jtis: dict[str, int] = field(default_factory=dict)


def _int_map(value: object, name: str) -> dict[str, int]:
    if type(value) is not dict:
        raise RevocationDocumentError(f"{name} must be an object")
    result: dict[str, int] = {}
    for key, raw in value.items():
        number = integral(raw)
        if number is None:
            raise RevocationDocumentError(f"{name}[{key!r}] must be an integer")
        result[key] = number
    return result


def _tiers(value: object) -> dict[str, TierState]:
    if type(value) is not dict:
        raise RevocationDocumentError("tiers must be an object")
    tiers: dict[str, TierState] = {}
    for slug, entry in value.items():
        if type(entry) is not dict:
            raise RevocationDocumentError(f"tiers[{slug!r}] must be an object")
        state = entry.get("state")
        epoch = integral(entry.get("epoch"))
        if type(state) is not str or state not in TIER_STATES:
            raise RevocationDocumentError(f"tiers[{slug!r}].state is not a directive state")
        if epoch is None or epoch < 0:
            raise RevocationDocumentError(f"tiers[{slug!r}].epoch must be a non-negative integer")
        tiers[slug] = TierState(state=state, epoch=epoch)
    return tiers


def parse_revocations(payload: dict[str, Any], *, issuer: str) -> RevocationState:
    """Check a revocation document's payload; raises ``RevocationDocumentError``."""
    if payload.get("iss") != issuer:
        raise RevocationDocumentError("the document was issued by another issuer")
    serial = integral(payload.get("serial"))
    iat = integral(payload.get("iat"))
    exp = integral(payload.get("exp"))
    if serial is None or serial < 0:
        raise RevocationDocumentError("serial must be a non-negative integer")
    if iat is None:
        raise RevocationDocumentError("iat must be an integer")
    if exp is None or exp <= iat:
        raise RevocationDocumentError("exp must be an integer later than iat")
    return RevocationState(
        serial=serial,
        iat=iat,
        exp=exp,
        tiers=_tiers(payload.get("tiers")),
        users=_int_map(payload.get("users"), "users"),
        jtis=_int_map(payload.get("jtis"), "jtis"),
    )


def fresh_until(state: RevocationState, *, leeway: float, max_age: float) -> float:
    """The last instant at which ``state`` may be relied on: its signed ``exp`` (plus
    the clock-skew leeway) or ``max_age`` after its signed ``iat``, whichever is first."""
    return min(state.exp + leeway, state.iat + max_age)


def staleness(state: RevocationState, *, now: float, leeway: float, max_age: float) -> str:
    """Why ``state`` can no longer be relied on at ``now``, in words."""
    if now > state.exp + leeway:
        return (
            f"the revocation document (serial {state.serial}) expired {now - state.exp:.0f} s "
            "ago and no newer one has been fetched"
        )
    return (
        f"the revocation document (serial {state.serial}) was signed {now - state.iat:.0f} s "
        f"ago, more than max_revocation_age ({max_age:g} s)"
    )


def check_revocation(state: RevocationState, claims: Claims) -> None:
    """Apply the document to an otherwise valid token, in the contract's order."""
    tier = state.tiers.get(claims.aud)
    if tier is None:
        raise InvalidToken(
            "revoked.unknown_tier", "the model tier is not in the revocation document"
        )
    if tier.state == "suspended":
        raise InvalidToken("revoked.tier_suspended", "the model tier is suspended")
    if tier.state == "us_persons_only" and not claims.usp.is_us_person:
        raise InvalidToken("revoked.not_us_person", "the model tier is open to U.S. persons only")
    if claims.epoch < tier.epoch:
        raise InvalidToken(
            "revoked.epoch", "tokens issued before the tier's last directive are void"
        )
    cutoff = state.users.get(claims.sub)
    if cutoff is not None and claims.iat <= cutoff:
        raise InvalidToken("revoked.user", "the user's tokens have been revoked")
    if claims.jti in state.jtis:
        raise InvalidToken("revoked.jti", "the token has been revoked")
