"""Token issuance: decide, record the decision, and sign a token when it is allowed.

The decision, its geo signals, the token record and their audit events are
written all or nothing by ``entitlements.token_store``. It takes no lock that
revocations take, so issuance scales with the database, not with a single row.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from audit.services import AuditEntry
from entitlements import jws, token_store
from entitlements.models import DecisionRecord, IssuedToken, ModelTier
from entitlements.policy import Decision, decide
from entitlements.services.keys import SigningKeyUnavailable, active_signer
from geo.location_signals import GeoSignals
from geo.models import GeoSignal
from geo.services import geosignal_build
from idverify.errors import Unavailable, ValidationFailed

# An RFC 7638 SHA-256 thumbprint: 32 bytes, base64url without padding.
_JKT = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class IssueOutcome:
    decision: Decision
    record: DecisionRecord
    token: str | None = None
    claims: dict[str, Any] | None = None
    expires_at: datetime | None = None


def _check_jkt(jkt: str | None) -> str | None:
    if jkt is None or jkt == "":
        return None
    if not _JKT.match(jkt) or jws.b64url(jws.b64url_decode(jkt)) != jkt:
        raise ValidationFailed(
            fields={"jkt": ["Give the RFC 7638 SHA-256 thumbprint of your key, base64url."]}
        )
    return jkt


def _decided_entry(
    *,
    user: User,
    tier: ModelTier,
    decision: Decision,
    signals: GeoSignals,
    geo_signal: GeoSignal | None,
    token: IssuedToken | None,
) -> AuditEntry:
    status = decision.status
    return AuditEntry(
        action="entitlement.decided",
        actor=user,
        subject_type="model_tier",
        subject_id=tier.slug,
        organization_id=status.organization_id if status else None,
        data={
            "allowed": decision.allowed,
            "reasons": [reason.as_dict() for reason in decision.reasons],
            "level": status.level if status else 0,
            "status": status.status if status else None,
            "basis": status.basis if status else None,
            "tier_epoch": tier.epoch,
            "directive": tier.directive_state,
            "geo": decision.geo.to_dict() if decision.geo else None,
            "signals": signals.to_dict(),
            "geo_signal": geo_signal.pk if geo_signal else None,
            "jti": token.jti if token else None,
            "screening_list_version": decision.screening_version,
        },
    )


def _record_decision(
    *,
    user: User,
    tier: ModelTier,
    decision: Decision,
    signals: GeoSignals,
    now: datetime,
    token: IssuedToken | None = None,
    token_entry: AuditEntry | None = None,
    ids: token_store.ReservedIds | None = None,
) -> DecisionRecord:
    """Write the decision, its geo signal and reasons, the token record if any, and their
    audit events: all or nothing (``entitlements.token_store``). ``ids``: taken by the
    request's read, if it did."""
    geo_signal = (
        geosignal_build(signals=signals, evaluation=decision.geo, purpose=GeoSignal.Purpose.TOKEN)
        if decision.geo is not None
        else None
    )
    status = decision.status
    record = DecisionRecord(
        user=user,
        tier=tier,
        allowed=decision.allowed,
        reasons=[reason.as_dict() for reason in decision.reasons],
        level=status.level if status else 0,
        decided_at=now,
    )

    def decided() -> AuditEntry:
        # Built once the geo signal has its id, which the event names.
        return _decided_entry(
            user=user,
            tier=tier,
            decision=decision,
            signals=signals,
            geo_signal=geo_signal,
            token=token,
        )

    entries = [decided, *([lambda: token_entry] if token_entry else [])]
    token_store.decision_save(
        record=record,
        geo_signal=geo_signal,
        token=token,
        reason_codes=decision.reason_codes,
        audit_entries=entries,
        ids=ids,
    )
    return record


def _claims(decision: Decision, *, issued_at: int, jkt: str | None) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": settings.IDV_BASE_URL,
        **decision.claims,
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + settings.IDV_TOKEN_LIFETIME_SECONDS,
        "jti": str(uuid.uuid4()),
    }
    if jkt:
        claims["cnf"] = {"jkt": jkt}
    return claims


def token_issue(
    *,
    user: User,
    tier: ModelTier,
    signals: GeoSignals,
    jkt: str | None = None,
    facts: token_store.TokenFacts | None = None,
) -> IssueOutcome:
    """Decide for ``user`` on ``tier``; record it; sign and record a token when allowed.
    ``facts``: what ``policy.token_request_read`` read with the tier, if it was."""
    jkt = _check_jkt(jkt)
    decision = decide(user, tier, signals, facts)
    ids = facts.reserved_ids if facts is not None else None
    now = timezone.now()
    if not decision.allowed:
        record = _record_decision(
            user=user, tier=tier, decision=decision, signals=signals, now=now, ids=ids
        )
        return IssueOutcome(decision=decision, record=record)
    try:
        signer = active_signer()
    except SigningKeyUnavailable as exc:
        raise Unavailable(
            "Tokens cannot be signed right now; the operators have been told."
        ) from exc
    claims = _claims(decision, issued_at=int(now.timestamp()), jkt=jkt)
    token = jws.sign_compact(
        claims, typ=jws.TOKEN_TYP, kid=signer.kid, private_key=signer.private_key
    )
    expires_at = datetime.fromtimestamp(claims["exp"], tz=UTC)
    org = claims.get("org")
    issued = IssuedToken(
        jti=uuid.UUID(claims["jti"]),
        user=user,
        tier=tier,
        kid=signer.kid,
        epoch=claims["epoch"],
        organization_id=uuid.UUID(org) if org else None,
        cnf_jkt=jkt or "",
        ial=claims["ial"],
        issued_at=now,
        expires_at=expires_at,
    )
    issued_entry = AuditEntry(
        action="token.issued",
        actor=user,
        subject_type="user",
        subject_id=user.public_id,
        organization_id=issued.organization_id,
        data={
            "jti": issued.jti,
            "tier": tier.slug,
            "epoch": issued.epoch,
            "kid": signer.kid,
            "iat": claims["iat"],
            "exp": claims["exp"],
            "usp": claims["usp"],
            "ial": claims["ial"],
            "evd": claims["evd"],
            "org": org,
            "geo": claims["geo"],
            "cnf_jkt": jkt,
        },
    )
    record = _record_decision(
        user=user,
        tier=tier,
        decision=decision,
        signals=signals,
        now=now,
        token=issued,
        token_entry=issued_entry,
        ids=ids,
    )
    return IssueOutcome(
        decision=decision, record=record, token=token, claims=claims, expires_at=expires_at
    )
