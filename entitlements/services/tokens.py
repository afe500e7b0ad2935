"""Token issuance: decide, record the decision, and sign a token when it is allowed.

One statement (PostgreSQL) or one transaction writes the decision, its geo
signals, the token record and their audit events. It takes no lock that
revocations take, so issuance scales with the database, not with a single row.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from audit.services import AuditEntry, audit_events_build, audit_record_many
from entitlements import jws
from entitlements.models import DecisionReason, DecisionRecord, IssuedToken, ModelTier
from entitlements.policy import Decision, decide
from entitlements.services.keys import SigningKeyUnavailable, active_signer
from geo.models import GeoSignal
from geo.services import geosignal_build
from geo.signals import GeoSignals
from idverify import db_writes
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


def _single_statement() -> bool:
    return db_writes.supported()


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
) -> DecisionRecord:
    """Write the decision, its geo signal and reasons, the token record if any, and their
    audit events: all or nothing.

    On PostgreSQL that is one statement (ids reserved first, so the rows and the
    audit events can name each other): the token path's writes cost one round trip
    instead of six or seven. Elsewhere, the same rows through the ORM in one transaction.
    """
    geo_signal = (
        geosignal_build(signals=signals, evaluation=decision.geo, purpose=GeoSignal.Purpose.TOKEN)
        if decision.geo is not None
        else None
    )
    single = _single_statement()
    record_id = None
    if single:
        # Ids first, so that the rows and the audit events can name each other.
        linked: list[Model] = [row for row in (geo_signal, token) if row is not None]
        *linked_ids, record_id = db_writes.reserve_ids([*map(type, linked), DecisionRecord])
        for row, row_id in zip(linked, linked_ids, strict=True):
            row.pk = row_id
    status = decision.status
    record = DecisionRecord(
        pk=record_id,
        user=user,
        tier=tier,
        allowed=decision.allowed,
        reasons=[reason.as_dict() for reason in decision.reasons],
        level=status.level if status else 0,
        geo_signal=geo_signal,
        token=token,
        decided_at=now,
    )

    def entries() -> list[AuditEntry]:
        # Built once the rows have their ids: the decision's event names its geo signal.
        decided = _decided_entry(
            user=user,
            tier=tier,
            decision=decision,
            signals=signals,
            geo_signal=geo_signal,
            token=token,
        )
        return [decided, *([token_entry] if token_entry else [])]

    def reasons() -> list[DecisionReason]:
        # Built once the record has its id, which each reason row names.
        return [
            DecisionReason(decision=record, code=code, decided_at=now)
            for code in decision.reason_codes
        ]

    if single:
        db_writes.insert_together(
            [*linked, record, *reasons(), *audit_events_build(entries())], prepare=True
        )
        return record
    with transaction.atomic():
        for unsaved in (geo_signal, token):
            if unsaved is not None:
                unsaved.save(force_insert=True)
        record.geo_signal, record.token = geo_signal, token  # their ids, now that they exist
        record.save(force_insert=True)
        DecisionReason.objects.bulk_create(reasons())
        audit_record_many(entries())
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
    *, user: User, tier: ModelTier, signals: GeoSignals, jkt: str | None = None
) -> IssueOutcome:
    """Decide for ``user`` on ``tier``; record it; sign and record a token when allowed."""
    jkt = _check_jkt(jkt)
    decision = decide(user, tier, signals)
    now = timezone.now()
    if not decision.allowed:
        record = _record_decision(user=user, tier=tier, decision=decision, signals=signals, now=now)
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
    )
    return IssueOutcome(
        decision=decision, record=record, token=token, claims=claims, expires_at=expires_at
    )
