"""An officer's decision on a potential match: a false positive, or a restricted party.

Clearing keeps the pair cleared while neither side's data changes (the
match's fingerprints). Confirming keeps the hold for good: the person gets no
tokens, and an organisation's sponsorships are withdrawn (which voids its
members' tokens through accounts' signal). Both are audited. Nobody decides a
match about themselves or about an organisation they belong to.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from accounts.selectors.users import is_compliance_officer
from accounts.services.sponsorships import organization_sponsorships_revoke
from audit.services import audit_record
from idverify.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from idverify.reasons import reason_problem
from idverify.url_ids import uuid_or_not_found
from screening import signals
from screening.models import ScreeningMatch

CLEAR, CONFIRM = "clear", "confirm"
DECISIONS = (CLEAR, CONFIRM)


def _check(officer: User, match: ScreeningMatch) -> None:
    if match.user_id == officer.pk:
        raise PermissionDenied("Another compliance officer must decide a match about you.")
    if (
        match.organization_id is not None
        and Membership.objects.filter(user=officer, organization_id=match.organization_id).exists()
    ):
        raise PermissionDenied(
            "Another compliance officer must decide a match about your own organisation."
        )


def match_decide(*, officer: User, match_id: object, decision: str, reason: str) -> ScreeningMatch:
    if not is_compliance_officer(officer):
        raise PermissionDenied("Only a compliance officer can decide screening matches.")
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = ["Choose clear (a false positive) or confirm (a restricted party)."]
    reason = reason.strip()
    problem = reason_problem(reason, max_length=500)
    if problem is not None:
        errors["reason"] = [problem]
    if errors:
        raise ValidationFailed(fields=errors)
    wanted = uuid_or_not_found(match_id, what="screening match")
    with transaction.atomic():
        match = (
            ScreeningMatch.objects.select_for_update(of=("self",))
            .select_related("user", "organization")
            .filter(public_id=wanted)
            .first()
        )
        if match is None:
            raise NotFound("No such screening match.")
        _check(officer, match)
        if match.status != ScreeningMatch.Status.PENDING:
            raise Conflict(
                f"This match was already decided ({match.get_status_display().lower()}).",
                code="screening.already_decided",
            )
        match.status = (
            ScreeningMatch.Status.CLEARED if decision == CLEAR else ScreeningMatch.Status.CONFIRMED
        )
        match.decided_at = timezone.now()
        match.decided_by = officer
        match.decision_reason = reason
        match.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        withdrawn = 0
        if decision == CONFIRM and match.organization is not None:
            withdrawn = organization_sponsorships_revoke(
                actor=officer,
                organization=match.organization,
                reason=f"Confirmed restricted-party match: {reason}",
            )
        audit_record(
            action=f"screening.match_{'cleared' if decision == CLEAR else 'confirmed'}",
            actor=officer,
            subject_type=match.subject_kind,
            subject_id=match.subject_ref.split(":", 1)[1],
            organization_id=match.organization.public_id if match.organization else None,
            data={
                "match": match.public_id,
                "entry_key": match.entry_key,
                "source_list": match.entry_data.get("source_list"),
                "score": match.score,
                "reason": reason,
                "subject_fingerprint": match.subject_fingerprint,
                "entry_fingerprint": match.entry_fingerprint,
                "sponsorships_withdrawn": withdrawn,
            },
        )
        if decision == CONFIRM and match.user is not None:
            users = [match.user]
            transaction.on_commit(
                lambda: signals.subjects_held.send(
                    sender=ScreeningMatch,
                    users=users,
                    organizations=[],
                    reason="Confirmed restricted-party match",
                )
            )
    return match
