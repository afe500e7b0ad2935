"""Organisations: registration, a compliance officer's decisions on it, and domain proof."""

from accounts.registration.decisions import (
    ein_holders,
    organization_reject,
    organization_verify,
    organizations_expire_pending,
    pending_expires_at,
)
from accounts.registration.details import (
    MAX_PENDING_PER_USER,
    RegistrationDetails,
    organization_register,
)
from accounts.registration.domain import (
    DomainNotProven,
    domain_challenge_check,
    domain_challenge_create,
)

__all__ = [
    "MAX_PENDING_PER_USER",
    "DomainNotProven",
    "RegistrationDetails",
    "domain_challenge_check",
    "domain_challenge_create",
    "ein_holders",
    "organization_register",
    "organization_reject",
    "organization_verify",
    "organizations_expire_pending",
    "pending_expires_at",
]
