"""Domain proof: the organisation publishes a DNS TXT record to show it controls its website."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import dns
from accounts.models import DomainChallenge, Organization, User
from accounts.selectors.memberships import can_manage
from accounts.selectors.users import is_compliance_officer
from audit.services import audit_record
from idverify.errors import Conflict, DomainError, PermissionDenied, Unavailable


class DomainNotProven(DomainError):
    code = "domain_not_proven"
    status = 409
    default_message = "The DNS record was not found."


def _require_open(organization: Organization) -> None:
    if organization.is_closed:
        raise Conflict(
            "This registration was rejected or has expired; register the organisation again."
        )


def challenge_create(*, actor: User, organization: Organization) -> DomainChallenge:
    now = timezone.now()
    challenge = DomainChallenge.objects.create(
        organization=organization,
        domain=organization.website_domain,
        token=secrets.token_urlsafe(24),
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=settings.IDV_DOMAIN_CHALLENGE_DAYS),
    )
    audit_record(
        action="organization.domain_challenge_created",
        actor=actor,
        subject_type="organization",
        subject_id=organization.public_id,
        organization_id=organization.public_id,
        data={"domain": challenge.domain, "expires_at": challenge.expires_at},
    )
    return challenge


def domain_challenge_create(*, actor: User, organization: Organization) -> DomainChallenge:
    """A fresh TXT record to publish (the previous one stops counting)."""
    if not can_manage(user=actor, organization=organization):
        raise PermissionDenied("Only the organisation's admins can prove its domain.")
    if not organization.website_domain:
        raise Conflict("The organisation has no website domain to prove.")
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        _require_open(locked)
        return challenge_create(actor=actor, organization=locked)


def domain_challenge_check(*, actor: User, organization: Organization) -> DomainChallenge:
    """Look the TXT record up now. Raises DomainNotProven (the check is still recorded)."""
    if not (can_manage(user=actor, organization=organization) or is_compliance_officer(actor)):
        raise PermissionDenied("Only the organisation's admins can prove its domain.")
    _require_open(Organization.objects.get(pk=organization.pk))
    now = timezone.now()
    challenge = (
        DomainChallenge.objects.filter(
            organization=organization, domain=organization.website_domain
        )
        .order_by("-created_at")
        .first()
    )
    if challenge is None:
        raise Conflict("There is no DNS record to check; create one first.")
    if challenge.verified_at is not None:
        return challenge
    if challenge.expires_at <= now:
        raise Conflict("This DNS record's token has expired; create a new one and publish it.")
    try:
        found = challenge.record_value in dns.txt_records(challenge.record_name)
    except dns.DnsLookupFailed as exc:
        raise Unavailable(str(exc)) from None
    with transaction.atomic():
        locked = DomainChallenge.objects.select_for_update().get(pk=challenge.pk)
        locked.last_checked_at = now
        if found:
            locked.verified_at = now
            locked.last_result = "Found."
            Organization.objects.filter(pk=organization.pk).update(domain_verified_at=now)
            audit_record(
                action="organization.domain_verified",
                actor=actor,
                subject_type="organization",
                subject_id=organization.public_id,
                organization_id=organization.public_id,
                data={"domain": locked.domain, "record": locked.record_name},
            )
        else:
            locked.last_result = (
                f"No TXT record “{locked.record_value}” at {locked.record_name} yet."
            )
        locked.save(update_fields=["last_checked_at", "verified_at", "last_result"])
    if not found:
        raise DomainNotProven(
            f"No TXT record with the value {locked.record_value} was found at "
            f"{locked.record_name}. DNS changes can take a while to appear; try again later."
        )
    organization.domain_verified_at = now
    return locked
