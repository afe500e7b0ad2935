"""Organisation registration, verification by a compliance officer, and domain proof."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import declarations, dns, identifiers
from accounts.models import (
    DomainChallenge,
    Membership,
    Organization,
    OrganizationDeclaration,
    User,
)
from accounts.selectors import can_manage, is_compliance_officer
from accounts.separation import require_outsider
from audit.services import audit_record
from idverify.errors import Conflict, DomainError, PermissionDenied, Unavailable, ValidationFailed

# Registrations awaiting a compliance officer that one person may have open.
MAX_PENDING_PER_USER = 5


class DomainNotProven(DomainError):
    code = "domain_not_proven"
    status = 409
    default_message = "The DNS record was not found."


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
    ein_taken = ValidationFailed(
        fields={
            "ein": [
                (
                    "An organisation with this EIN is already registered; ask its admins "
                    "to invite you instead."
                )
            ]
        }
    )
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=actor.pk).first()
            pending = Organization.objects.filter(
                registered_by=actor, status=Organization.Status.PENDING
            ).count()
            if pending >= MAX_PENDING_PER_USER:
                raise Conflict(
                    f"You have {pending} registrations waiting for review; wait for those first."
                )
            if clean.ein and Organization.objects.filter(ein=clean.ein).exists():
                raise ein_taken
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
                },
            )
            if org.website_domain:
                _challenge_create(actor=actor, organization=org)
    except IntegrityError:
        # Two registrations with one EIN at the same moment: the constraint decides.
        raise ein_taken from None
    return org


def organization_verify(*, actor: User, organization: Organization, reason: str) -> Organization:
    """A compliance officer verifies a pending organisation; it may then sponsor."""
    if not is_compliance_officer(actor):
        raise PermissionDenied("Only a compliance officer can verify an organisation.")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(fields={"reason": ["Give a reason; it is kept in the audit log."]})
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        require_outsider(
            actor=actor,
            organization=org,
            message=(
                "You registered or belong to this organisation; another compliance officer "
                "must verify it."
            ),
        )
        if org.status == Organization.Status.VERIFIED:
            return org
        if org.status != Organization.Status.PENDING:
            raise Conflict("Only a pending organisation can be verified.")
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
    return org


def _challenge_create(*, actor: User, organization: Organization) -> DomainChallenge:
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
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        return _challenge_create(actor=actor, organization=organization)


def domain_challenge_check(*, actor: User, organization: Organization) -> DomainChallenge:
    """Look the TXT record up now. Raises DomainNotProven (the check is still recorded)."""
    if not (can_manage(user=actor, organization=organization) or is_compliance_officer(actor)):
        raise PermissionDenied("Only the organisation's admins can prove its domain.")
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
