"""Registering an organisation: details checked, declaration signed, registrant made its
first signing official. A registration whose EIN another one holds is not refused (that
would tell anyone the EIN is registered): it waits for a compliance officer like any
other, who sees both (``accounts.registration.decisions``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts import declarations, identifiers
from accounts.models import Membership, Organization, OrganizationDeclaration, User
from accounts.registration.decisions import ein_holders
from accounts.registration.domain import challenge_create
from accounts.screening_hook import screen_organization
from audit.services import audit_record
from idverify.errors import Conflict, ValidationFailed

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
