"""Re-checks: when the rules change or evidence expires, tokens that say more than the
person's evidence now supports are revoked.

A token is a snapshot of a decision. It stays right while the tier's requirements
and the person's evidence stay as they were; it goes wrong when

- a compliance officer raises a tier's requirements (its minimum level or
  assurance, U.S.-person or sponsorship requirement): ``tier_update`` re-checks
  the tier's live tokens in the transaction that changes the tier, so the
  change and its revocations commit together or not at all;
- evidence runs out with nobody acting: an attestation or a sponsorship reaches
  its ``expires_at``, a document its expiry date;
- an operator changes the document-type mapping (``attestations.document_rules``).

The periodic task (``entitlements.assurance_recheck``, every
``IDV_RECHECK_SECONDS``) finds the last two, and looks again at every tier
changed within a token lifetime, for a token a request signed under the old
requirements while the change committed.

For each live token (not revoked, not expired, of its tier's current epoch: an
older epoch is already void) the person's status is computed again and the
token is judged as ``decide`` would judge it now, by evidence alone (not place
or time): it is above the evidence when the tier's directive or requirements now
refuse it, or when its ``ial`` claim or level is higher than the person's. Those
people's tokens are voided through ``users_tokens_void``, the path every change
of evidence takes (a cutoff in the revocation document; new tokens are still
issued when the evidence allows), and its audit event carries the re-check's
cause and each token's reason codes. A re-run finds those tokens revoked and
does nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import Sponsorship, User
from attestations.document_rules import document_rules, document_rules_digest
from attestations.evidence import ial_rank
from attestations.models import Attestation, Document, ReviewReason, VendorVerification
from attestations.mrz import DocumentRulesError
from attestations.selectors import VerificationStatus, verification_status
from attestations.services.rules import documents_rules_recheck
from entitlements.models import IssuedToken, ModelTier, RecheckState
from entitlements.policy import directive_and_evidence_reasons
from entitlements.services.revocations import KEEP_LISTED, users_tokens_void

log = logging.getLogger(__name__)

# Why a re-check ran (the audit event's ``recheck.cause``).
CAUSE_TIER_CHANGED = "recheck.tier_requirements_changed"
CAUSE_EVIDENCE_EXPIRED = "recheck.evidence_expired"
CAUSE_DOCUMENT_RULES = "recheck.document_rules_changed"
# Why a token is above the evidence, beside ``decide``'s own reason codes.
IAL_ABOVE_EVIDENCE = "recheck.ial_above_evidence"
LEVEL_ABOVE_EVIDENCE = "recheck.level_above_evidence"
# Who the audit log names for the periodic sweep.
SWEEP_ACTOR = "idverify:recheck"
# The requirements whose change can leave a token above what it now needs.
ELIGIBILITY_FIELDS = frozenset(
    {"min_level", "min_assurance", "us_person_required", "sponsorship_required"}
)


@dataclass
class RecheckOutcome:
    """What one re-check looked at and what it revoked, by the holder's public id."""

    tokens_checked: int = 0
    people_checked: int = 0
    revoked: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, other: RecheckOutcome) -> None:
        self.tokens_checked += other.tokens_checked
        self.people_checked += other.people_checked
        self.revoked.update(other.revoked)

    def summary(self) -> dict[str, int]:
        return {
            "tokens_checked": self.tokens_checked,
            "people_checked": self.people_checked,
            "people_revoked": len(self.revoked),
        }


def live_tokens(*, now: datetime) -> QuerySet[IssuedToken]:
    """Tokens a verifier would still accept, as far as this service's records go."""
    return IssuedToken.objects.filter(
        revoked_at__isnull=True, expires_at__gt=now, epoch=F("tier__epoch")
    )


def token_above_evidence(token: IssuedToken, status: VerificationStatus) -> list[str]:
    """The reason codes for which ``token`` says more than ``status`` supports ([] if none)."""
    codes = [reason.code for reason in directive_and_evidence_reasons(token.tier, status)]
    if token.ial and ial_rank(token.ial) > ial_rank(status.assurance.ial):
        codes.append(IAL_ABOVE_EVIDENCE)
    decision = getattr(token, "decision", None)
    if decision is not None and decision.level > status.level:
        codes.append(LEVEL_ABOVE_EVIDENCE)
    return codes


def tokens_recheck(
    *,
    tokens: QuerySet[IssuedToken],
    cause: str,
    reason: str,
    actor: User | str | None,
    now: datetime | None = None,
) -> RecheckOutcome:
    """Judge each of ``tokens`` against its holder's evidence now; void the holders'
    tokens where one is above it, in one revocation document."""
    now = now or timezone.now()
    held: dict[int, list[IssuedToken]] = defaultdict(list)
    for token in tokens.select_related("user", "tier", "decision").order_by("user_id", "pk"):
        held[token.user_id].append(token)
    outcome = RecheckOutcome(tokens_checked=sum(map(len, held.values())), people_checked=len(held))
    above: list[User] = []
    details: dict[str, dict[str, Any]] = {}
    for user_tokens in held.values():
        user = user_tokens[0].user
        status = verification_status(user=user, at=now)
        findings = [
            {"jti": str(token.jti), "tier": token.tier.slug, "reasons": codes}
            for token in user_tokens
            if (codes := token_above_evidence(token, status))
        ]
        if not findings:
            continue
        above.append(user)
        details[str(user.public_id)] = {
            "cause": cause,
            "level": status.level,
            "ial": status.assurance.ial,
            "tokens": findings,
        }
        outcome.revoked[str(user.public_id)] = findings
    users_tokens_void(users=above, reason=reason[:500], actor=actor, recheck=details)
    return outcome


def tier_tokens_recheck(
    *, tier: ModelTier, actor: User | None, reason: str, now: datetime | None = None
) -> RecheckOutcome:
    """After ``tier``'s requirements changed (the caller's transaction holds the change)."""
    now = now or timezone.now()
    return tokens_recheck(
        tokens=live_tokens(now=now).filter(tier=tier),
        cause=CAUSE_TIER_CHANGED,
        reason=f"{tier.slug}'s requirements changed: {reason}",
        actor=actor,
        now=now,
    )


def _recently_expired(*, now: datetime) -> set[int]:
    """People with evidence that ran out within a token lifetime (a live token may rest on it)."""
    since = now - KEEP_LISTED
    attested = Attestation.objects.filter(
        state=Attestation.State.ACTIVE, expires_at__gt=since, expires_at__lte=now
    ).values_list("user_id", flat=True)
    sponsored = Sponsorship.objects.filter(
        status=Sponsorship.Status.ACTIVE, expires_at__gt=since, expires_at__lte=now
    ).values_list("user_id", flat=True)
    # A document counts through its expiry date (attestations.selectors.documents_counting).
    documented = Document.objects.filter(
        status__in=(Document.Status.PASSED, Document.Status.APPROVED),
        document_expires_on__gte=since.date(),
        document_expires_on__lt=now.date(),
    ).values_list("user_id", flat=True)
    # A vendor's verification counts through the verified document's expiry date too
    # (attestations.selectors.vendor_verifications_counting).
    vendor_verified = VendorVerification.objects.filter(
        outcome=VendorVerification.Outcome.ACCEPTED,
        document_expires_on__gte=since.date(),
        document_expires_on__lt=now.date(),
    ).values_list("user_id", flat=True)
    return {*attested, *sponsored, *documented, *vendor_verified}


def _document_rules_changed() -> set[int]:
    """Apply a changed document-type mapping; the people whose documents stopped counting.

    A mapping that cannot be read (the system check attestations.E001 names it at
    start-up) is logged and skipped: it must not stop the expiry re-checks."""
    try:
        digest = document_rules_digest()
    except (OSError, UnicodeDecodeError, DocumentRulesError):
        log.exception("the document-type mapping cannot be read; its re-check is skipped")
        return set()
    with transaction.atomic():
        state, _ = RecheckState.objects.select_for_update().get_or_create(pk=1)
        if state.document_rules_digest == digest:
            return set()
    # On the first run (no digest yet) every passed document is checked once.
    people = set(documents_rules_recheck(rules=document_rules(), digest=digest))
    # Only once every document was checked: a run that failed midway starts again.
    RecheckState.objects.filter(pk=1).update(document_rules_digest=digest)
    return people


def _awaiting_review_after_rules_change(*, now: datetime) -> set[int]:
    """Holders of live tokens with a document a mapping change sent back to review.

    Covers a run that moved documents and then failed before revoking: the next run
    finds those documents no longer passed, but their holders here. The review
    reasons are read in Python (SQLite, the quick start's database, has no JSON
    containment lookup); the rows are the review queue's, for live-token holders only.
    """
    holders = live_tokens(now=now).values("user_id")
    waiting = Document.objects.filter(
        status=Document.Status.NEEDS_REVIEW, user_id__in=holders
    ).values_list("user_id", "review_reasons")
    return {user_id for user_id, reasons in waiting if ReviewReason.RULES_CHANGED in reasons}


def assurance_recheck_sweep(*, now: datetime | None = None) -> RecheckOutcome:
    """The periodic re-check: a changed document mapping, expired evidence, recent tier
    changes. Safe to run at any time, twice, or concurrently."""
    now = now or timezone.now()
    outcome = RecheckOutcome()
    changed_documents = _document_rules_changed() | _awaiting_review_after_rules_change(now=now)
    if changed_documents:
        outcome.add(
            tokens_recheck(
                tokens=live_tokens(now=now).filter(user_id__in=changed_documents),
                cause=CAUSE_DOCUMENT_RULES,
                reason="The document-type mapping changed: a document no longer shows the "
                "attested status by itself and waits for a compliance officer.",
                actor=SWEEP_ACTOR,
                now=now,
            )
        )
    expired = _recently_expired(now=now)
    if expired:
        outcome.add(
            tokens_recheck(
                tokens=live_tokens(now=now).filter(user_id__in=expired),
                cause=CAUSE_EVIDENCE_EXPIRED,
                reason="Evidence expired: an attestation, a sponsorship or a document's "
                "validity ran out.",
                actor=SWEEP_ACTOR,
                now=now,
            )
        )
    window = now - KEEP_LISTED
    for tier in ModelTier.objects.filter(requirements_changed_at__gt=window):
        outcome.add(
            tokens_recheck(
                tokens=live_tokens(now=now).filter(tier=tier),
                cause=CAUSE_TIER_CHANGED,
                reason=f"{tier.slug}'s requirements changed (periodic re-check).",
                actor=SWEEP_ACTOR,
                now=now,
            )
        )
    RecheckState.objects.filter(pk=1).update(swept_at=now)
    return outcome
