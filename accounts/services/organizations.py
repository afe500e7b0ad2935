"""Organisations: registration (details checked, declaration signed, the registrant made its
first signing official), a compliance officer's decisions on it (verify, reject), expiry of
registrations nobody verified, and suspension.

A registration whose EIN another one holds is not refused (that would tell anyone the EIN
is registered): it waits for a compliance officer like any other, who sees both. A
rejected or expired registration releases its EIN. Verification waits until no other
registration holds the organisation's EIN, so an officer settles a conflict by rejecting
the registration that is not genuine. Suspension stops the organisation's sponsorships
counting at once and is announced after commit through ``accounts.signals``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import declarations, identifiers, signals
from accounts.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationDeclaration,
    Sponsorship,
    User,
)
from accounts.screening_hook import screen_organization
from accounts.selectors.organizations import ein_holders
from accounts.selectors.users import is_compliance_officer
from accounts.separation import require_outsider
from accounts.services.domain_challenges import challenge_create
from audit.services import audit_record
from idverify.errors import Conflict, PermissionDenied, ValidationFailed
from idverify.reasons import required_reason

# Registrations awaiting a compliance officer that one person may have open.
MAX_PENDING_PER_USER = 5


@dataclass(frozen=True)
class RegistrationDetails:
    legal_name: str
    country_of_incorporation: str
    state_of_incorporation: str = ""
    ein: str = ""
    uei: str = ""
    website_domain: str = ""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RegistrationDetails:
        """From a validated form's or serializer's data (the same field names)."""
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def _clean(details: RegistrationDetails) -> RegistrationDetails:
    errors: dict[str, list[str]] = {}

    def check(field: str, value: str, cleaner: Callable[[str], str]) -> str:
        try:
            return cleaner(value)
        except ValueError as exc:
            errors[field] = [str(exc)]
            return value

    legal_name = " ".join(details.legal_name.split())
    if not legal_name:
        errors["legal_name"] = ["Enter the organisation's legal name, as registered."]
    elif len(legal_name) > 200:
        errors["legal_name"] = ["Use at most 200 characters."]
    country = check(
        "country_of_incorporation", details.country_of_incorporation, identifiers.clean_country
    )
    us = country == identifiers.UNITED_STATES
    state = details.state_of_incorporation.strip()
    if us:
        state = check("state_of_incorporation", state, identifiers.clean_us_state)
    elif len(state) > 6:
        errors["state_of_incorporation"] = ["Leave this blank outside the United States."]
    ein = details.ein.strip()
    if ein:
        ein = check("ein", ein, identifiers.clean_ein)
    elif us:
        errors["ein"] = ["A U.S. organisation must give its EIN (NN-NNNNNNN)."]
    uei = details.uei.strip()
    if uei:
        uei = check("uei", uei, identifiers.clean_uei)
    domain = details.website_domain.strip()
    if domain:
        domain = check("website_domain", domain, identifiers.clean_domain)
    if errors:
        raise ValidationFailed(fields=errors)
    return RegistrationDetails(legal_name, country, state, ein, uei, domain)


def _check_signature(*, signature_name: str, declaration_sha256: str, accepted: bool) -> None:
    errors: dict[str, list[str]] = {}
    if declaration_sha256 != declarations.CURRENT.sha256:
        errors["declaration_sha256"] = [
            "The declaration's wording has changed since you read it; read it again and sign."
        ]
    if not accepted:
        errors["declaration_accepted"] = ["You must agree to the declaration to register."]
    name = signature_name.strip()
    if not name:
        errors["signature_name"] = ["Type your full name as your signature."]
    elif len(name) > 200:
        errors["signature_name"] = ["Use at most 200 characters."]
    if errors:
        raise ValidationFailed(fields=errors)


def organization_register(
    *,
    actor: User,
    details: RegistrationDetails,
    signature_name: str,
    declaration_sha256: str,
    declaration_accepted: bool,
) -> Organization:
    """Register an organisation (pending); the registrant becomes its first signing official."""
    clean = _clean(details)
    _check_signature(
        signature_name=signature_name,
        declaration_sha256=declaration_sha256,
        accepted=declaration_accepted,
    )
    declaration = declarations.CURRENT
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        pending = Organization.objects.filter(
            registered_by=actor, status=Organization.Status.PENDING
        ).count()
        if pending >= MAX_PENDING_PER_USER:
            raise Conflict(
                f"You have {pending} registrations waiting for review; wait for those first."
            )
        holders = list(ein_holders(ein=clean.ein)) if clean.ein else []
        if any(
            o.registered_by_id == actor.pk and o.status == Organization.Status.PENDING
            for o in holders
        ):
            # Their own earlier registration: telling them discloses nothing.
            message = (
                "You have already registered an organisation with this EIN; it is waiting "
                "for a compliance officer's review."
            )
            raise ValidationFailed(fields={"ein": [message]})
        org = Organization.objects.create(
            legal_name=clean.legal_name,
            kind=Organization.Kind.CUSTOMER,
            status=Organization.Status.PENDING,
            country_of_incorporation=clean.country_of_incorporation,
            state_of_incorporation=clean.state_of_incorporation,
            ein=clean.ein,
            uei=clean.uei,
            website_domain=clean.website_domain,
            registered_by=actor,
        )
        Membership.objects.create(
            user=actor, organization=org, role=Membership.Role.SIGNING_OFFICIAL
        )
        signed = OrganizationDeclaration.objects.create(
            organization=org,
            signed_by=actor,
            signature_name=signature_name.strip(),
            version=declaration.version,
            sha256=declaration.sha256,
            text=declaration.text,
        )
        audit_record(
            action="organization.registered",
            actor=actor,
            subject_type="organization",
            subject_id=org.public_id,
            organization_id=org.public_id,
            data={
                "legal_name": org.legal_name,
                "country": org.country_of_incorporation,
                "state": org.state_of_incorporation,
                "ein": org.ein,
                "uei": org.uei,
                "website_domain": org.website_domain,
                "declaration_version": signed.version,
                "declaration_sha256": signed.sha256,
                "signature_name": signed.signature_name,
                # Registrations already holding this EIN: the officer settles which is genuine.
                "ein_conflicts": [o.public_id for o in holders],
            },
        )
        if org.website_domain:
            challenge_create(actor=actor, organization=org)
        screen_organization(organization=org, context="organization_registered")
    return org


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


def organization_suspend(*, actor: User, organization: Organization, reason: str) -> Organization:
    """Suspend an organisation: its sponsorships stop counting at once."""
    if not is_compliance_officer(actor):
        raise PermissionDenied("Only a compliance officer can suspend an organisation.")
    reason = required_reason(reason, max_length=300)  # Organization.status_reason's size
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if org.status == Organization.Status.SUSPENDED:
            return org
        if org.is_closed:
            raise Conflict("This registration is closed (rejected or expired); nothing to suspend.")
        org.status = Organization.Status.SUSPENDED
        org.save(update_fields=["status"])
        suspended = Sponsorship.objects.filter(
            organization=org, status=Sponsorship.Status.ACTIVE
        ).update(status=Sponsorship.Status.SUSPENDED)
        audit_record(
            action="organization.suspended",
            actor=actor,
            subject_type="organization",
            subject_id=org.public_id,
            organization_id=org.public_id,
            data={"reason": reason, "sponsorships_suspended": suspended},
        )
        transaction.on_commit(
            lambda: signals.organization_suspended.send(
                sender=Organization, organization=org, reason=reason, actor=actor
            )
        )
    return org
