"""Reads about attestations and documents, and the one place verification levels are computed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from django.utils import timezone

from accounts.models import User
from accounts.selectors import sponsorship_active
from attestations.models import US_PERSON_STATUSES, Attestation, Document

Basis = Literal["self", "document", "sponsorship", "both", "review"]


@dataclass(frozen=True)
class VerificationStatus:
    """How well a person's U.S.-person status is evidenced, right now.

    | level | meaning                                                          |
    |-------|------------------------------------------------------------------|
    | 0     | no valid attestation (none, expired, revoked, or flagged at signing) |
    | 1     | a signed self-attestation, location signals clean at signing     |
    | 2     | 1 plus a checked document supporting the status, or sponsorship   |
    |       | by a verified organisation                                       |
    | 3     | 2 reached by both routes, or a document approved by an officer   |
    """

    level: int
    status: str | None
    basis: Basis | None
    attestation: Attestation | None
    organization_id: UUID | None
    attestation_expires_at: datetime | None

    @property
    def is_us_person(self) -> bool:
        return self.level >= 1 and self.status in US_PERSON_STATUSES


NONE = VerificationStatus(0, None, None, None, None, None)


def attestation_current(*, user: User, at: datetime | None = None) -> Attestation | None:
    """The user's active, unexpired attestation (flagged or not)."""
    now = at or timezone.now()
    return (
        Attestation.objects.filter(user=user, state=Attestation.State.ACTIVE, expires_at__gt=now)
        .order_by("-signed_at")
        .first()
    )


def verification_status(*, user: User, at: datetime | None = None) -> VerificationStatus:
    now = at or timezone.now()
    attestation = attestation_current(user=user, at=now)
    if attestation is None or not attestation.geo_clean:
        return NONE
    base = VerificationStatus(
        level=1,
        status=attestation.status,
        basis="self",
        attestation=attestation,
        organization_id=None,
        attestation_expires_at=attestation.expires_at,
    )
    if attestation.status not in US_PERSON_STATUSES:
        return base

    supporting = Document.objects.filter(
        user=user,
        supports_status=attestation.status,
        status__in=[Document.Status.PASSED, Document.Status.APPROVED],
    ).exclude(document_expires_on__lt=now.date())
    statuses = set(supporting.values_list("status", flat=True))
    sponsorship = sponsorship_active(user=user, at=now)
    organization_id = sponsorship.organization.public_id if sponsorship else None

    basis: Basis
    if Document.Status.APPROVED in statuses:
        level, basis = 3, "review"
    elif statuses and sponsorship:
        level, basis = 3, "both"
    elif statuses:
        level, basis = 2, "document"
    elif sponsorship:
        level, basis = 2, "sponsorship"
    else:
        return base
    return VerificationStatus(
        level=level,
        status=attestation.status,
        basis=basis,
        attestation=attestation,
        organization_id=organization_id,
        attestation_expires_at=attestation.expires_at,
    )
