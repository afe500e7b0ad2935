"""A compliance officer's decisions on registrations: verify, reject; and expiry.

A rejected or expired registration releases its EIN. Verification waits until
no other registration holds the organisation's EIN, so an officer settles a
conflict by rejecting the registration that is not genuine.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Invitation, Organization, User
from accounts.screening_hook import screen_organization
from accounts.selectors import is_compliance_officer
from accounts.separation import require_outsider
from audit.services import audit_record
from idverify.errors import Conflict, PermissionDenied
from idverify.reasons import required_reason


def ein_holders(*, ein: str) -> QuerySet[Organization]:
    """Organisations holding ``ein``: pending, verified or suspended (closed ones released it)."""
    return Organization.objects.filter(ein=ein, status__in=Organization.EIN_HOLDING_STATUSES)


def pending_expires_at(organization: Organization) -> datetime | None:
    """When a pending registration expires if no officer has verified it."""
    if organization.status != Organization.Status.PENDING:
        return None
    return organization.created_at + timedelta(days=settings.IDV_PENDING_ORG_DAYS)


def _require_officer_outside(actor: User, organization: Organization, act: str) -> None:
    if not is_compliance_officer(actor):
        raise PermissionDenied(f"Only a compliance officer can {act} an organisation.")
    require_outsider(
        actor=actor,
        organization=organization,
        message=(
            "You registered or belong to this organisation; another compliance officer "
            f"must {act} it."
        ),
    )


def organization_verify(*, actor: User, organization: Organization, reason: str) -> Organization:
    """A compliance officer verifies a pending organisation; it may then sponsor."""
    if not is_compliance_officer(actor):
        raise PermissionDenied("Only a compliance officer can verify an organisation.")
    reason = required_reason(reason)
    try:
        with transaction.atomic():
            org = Organization.objects.select_for_update().get(pk=organization.pk)
            _require_officer_outside(actor, org, "verify")
            if org.status == Organization.Status.VERIFIED:
                return org
            if org.status != Organization.Status.PENDING:
                raise Conflict("Only a pending organisation can be verified.")
            if org.ein:
                rivals = ein_holders(ein=org.ein).exclude(pk=org.pk).order_by("created_at")
                if rivals.exists():
                    names = "; ".join(
                        f"{o.legal_name} ({o.get_status_display().lower()})" for o in rivals
                    )
                    raise Conflict(
                        f"Another registration holds the EIN {org.ein}: {names}. Reject the one "
                        "that is not genuine before verifying this one.",
                        code="ein_conflict",
                    )
            org.status = Organization.Status.VERIFIED
            org.verified_at = timezone.now()
            org.status_reason = reason[:300]
            org.save(update_fields=["status", "verified_at", "status_reason"])
            audit_record(
                action="organization.verified",
                actor=actor,
                subject_type="organization",
                subject_id=org.public_id,
                organization_id=org.public_id,
                data={"reason": reason, "domain_verified": org.domain_verified_at is not None},
            )
            screen_organization(organization=org, context="organization_verified")
    except IntegrityError:
        # Another officer verified a registration with the same EIN at this moment.
        raise Conflict(
            "Another organisation with this EIN was verified just now; reload the page.",
            code="ein_conflict",
        ) from None
    return org


def _close(
    org: Organization, *, status: str, reason: str, actor: User | None, action: str
) -> Organization:
    """Close a pending registration (caller holds its lock): its EIN is released and its
    open invitation links stop working."""
    now = timezone.now()
    org.status = status
    org.status_reason = reason[:300]
    org.save(update_fields=["status", "status_reason"])
    withdrawn = Invitation.objects.filter(
        organization=org, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    audit_record(
        action=action,
        actor=actor,
        subject_type="organization",
        subject_id=org.public_id,
        organization_id=org.public_id,
        data={"reason": reason, "ein": org.ein, "invitations_revoked": withdrawn},
    )
    return org


def organization_reject(*, actor: User, organization: Organization, reason: str) -> Organization:
    """A compliance officer rejects a pending registration (a wrong or claimed EIN, say)."""
    if not is_compliance_officer(actor):
        raise PermissionDenied("Only a compliance officer can reject an organisation.")
    reason = required_reason(reason)
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        _require_officer_outside(actor, org, "reject")
        if org.status == Organization.Status.REJECTED:
            return org
        if org.status != Organization.Status.PENDING:
            raise Conflict(
                "Only a pending registration can be rejected; suspend a verified organisation "
                "instead."
            )
        return _close(
            org,
            status=Organization.Status.REJECTED,
            reason=reason,
            actor=actor,
            action="organization.rejected",
        )


def organizations_expire_pending(*, now: datetime | None = None) -> int:
    """Close registrations still pending after IDV_PENDING_ORG_DAYS (the periodic task).

    One short transaction each; re-running it finds nothing more to do."""
    days: int = settings.IDV_PENDING_ORG_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    due = Organization.objects.filter(status=Organization.Status.PENDING, created_at__lte=cutoff)
    expired = 0
    for pk in list(due.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            org = due.select_for_update().filter(pk=pk).first()
            if org is None:  # verified or rejected meanwhile
                continue
            _close(
                org,
                status=Organization.Status.EXPIRED,
                reason=f"Not verified within {days} days of registration.",
                actor=None,
                action="organization.expired",
            )
            expired += 1
    return expired
