"""Sponsorship writes: a signing official vouches for a member, or withdraws it.

Revocation (and organisation suspension, ``accounts.services.organizations``) drops
the member's verification level at once (levels are computed from live rows) and is
announced after commit through ``accounts.signals`` so that live tokens are revoked too.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts import signals
from accounts.models import Membership, Organization, Sponsorship, User
from accounts.selectors.memberships import require_signing_official
from accounts.selectors.users import is_compliance_officer
from accounts.separation import require_other_person
from audit.services import audit_record
from idverify.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from idverify.reasons import required_reason

DEFAULT_PERIOD = timedelta(days=365)
DEFAULT_PERIOD_MONTHS = 12
MAX_PERIOD_MONTHS = 36
# Three calendar years, leap days included.
MAX_PERIOD = timedelta(days=3 * 366)


def months_after(start: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def sponsorship_create(
    *,
    actor: User,
    organization: Organization,
    user: User,
    basis: str,
    expires_at: datetime | None = None,
) -> Sponsorship:
    basis = basis.strip()
    if not basis:
        raise ValidationFailed(
            fields={
                "basis": ['Say what the organisation relies on, e.g. "I-9 on file, U.S. citizen".']
            }
        )
    now = timezone.now()
    expires_at = expires_at or now + DEFAULT_PERIOD
    if expires_at <= now:
        raise ValidationFailed(
            fields={"expires_at": ["The end of the period must be in the future."]}
        )
    if expires_at - now > MAX_PERIOD:
        raise ValidationFailed(
            fields={"expires_at": ["A sponsorship can last at most three years."]}
        )
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        require_signing_official(user=actor, organization=org)
        require_other_person(
            actor=actor,
            subject=user,
            message=(
                "You cannot sponsor yourself; another signing official of the organisation "
                "must sponsor you."
            ),
        )
        if org.status != Organization.Status.VERIFIED:
            raise Conflict("The organisation must be verified before it can sponsor anyone.")
        if not Membership.objects.filter(user=user, organization=org).exists():
            raise NotFound("That person is not a member of the organisation.")
        if Sponsorship.objects.filter(
            user=user, organization=org, status=Sponsorship.Status.ACTIVE
        ).exists():
            raise Conflict("This person is already sponsored by the organisation.")
        sponsorship = Sponsorship.objects.create(
            user=user, organization=org, sponsored_by=actor, basis=basis, expires_at=expires_at
        )
        audit_record(
            action="sponsorship.created",
            actor=actor,
            subject_type="user",
            subject_id=user.public_id,
            organization_id=org.public_id,
            data={"sponsorship": sponsorship.public_id, "basis": basis, "expires_at": expires_at},
        )
    return sponsorship


def sponsorship_revoke(*, actor: User, sponsorship: Sponsorship, reason: str) -> Sponsorship:
    reason = required_reason(reason, max_length=300)  # Sponsorship.revoked_reason's size
    with transaction.atomic():
        locked = (
            Sponsorship.objects.select_for_update()
            .select_related("organization", "user")
            .get(pk=sponsorship.pk)
        )
        if not is_compliance_officer(actor):
            require_signing_official(user=actor, organization=locked.organization)
        if locked.status != Sponsorship.Status.ACTIVE:
            return locked
        locked.status = Sponsorship.Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_reason"])
        audit_record(
            action="sponsorship.revoked",
            actor=actor,
            subject_type="user",
            subject_id=locked.user.public_id,
            organization_id=locked.organization.public_id,
            data={"sponsorship": locked.public_id, "reason": reason},
        )
        transaction.on_commit(
            lambda: signals.sponsorship_revoked.send(
                sender=Sponsorship,
                user=locked.user,
                organization=locked.organization,
                reason=reason,
                actor=actor,
            )
        )
    return locked


def organization_sponsorships_revoke(
    *, actor: User, organization: Organization, reason: str
) -> int:
    """Revoke every active sponsorship of an organisation (a compliance officer's act)."""
    if not is_compliance_officer(actor):
        raise PermissionDenied(
            "Only a compliance officer can revoke an organisation's sponsorships."
        )
    count = 0
    with transaction.atomic():
        active = Sponsorship.objects.select_for_update().filter(
            organization=organization, status=Sponsorship.Status.ACTIVE
        )
        for sponsorship in active:
            sponsorship_revoke(actor=actor, sponsorship=sponsorship, reason=reason)
            count += 1
    return count


def sponsorships_create_many(
    *,
    actor: User,
    organization: Organization,
    users: list[User],
    basis: str,
    expires_at: datetime | None = None,
) -> list[Sponsorship]:
    """Sponsor several members on one basis: all of them, or none if one fails."""
    with transaction.atomic():
        return [
            sponsorship_create(
                actor=actor,
                organization=organization,
                user=user,
                basis=basis,
                expires_at=expires_at,
            )
            for user in users
        ]
