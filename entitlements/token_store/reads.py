"""What the token path reads: the tier, the person's evidence, revocations and screening holds.

Each is one hand-written statement, built once and prepared (``idverify.prepared``): the ORM
took longer to compile these queries (subqueries, an OR of two conditions) than
PostgreSQL took to answer them. Each has an ORM-shaped twin in its own app, which
the rest of the service uses and which tests hold equal to it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection

from accounts.models import Organization, Sponsorship, User
from attestations.models import Attestation, Document, VendorVerification
from attestations.selectors import NONE, TYPED, VerificationStatus, status_from_evidence
from entitlements.models import ModelTier, UserRevocation
from idverify.prepared import fetch, fetch_values, model_fields, select_list
from screening.models import ScreeningMatch, ScreeningState

_TIER_SQL = (
    f"SELECT {select_list(ModelTier, 't')}"  # noqa: S608 - value is a parameter
    f" FROM {ModelTier._meta.db_table} t WHERE t.slug = %s"
)


def tier_for_token(*, slug: str) -> ModelTier | None:
    """The tier a token is asked for, as it is now (its directive matters), or None."""
    rows = fetch(ModelTier, _TIER_SQL, [slug])
    return rows[0][0] if rows else None


def _sponsor_sql(*, user_column: str) -> str:
    """``accounts.selectors.sponsorships.sponsorships_counting`` as a scalar subquery: the
    public id of the organisation whose sponsorship counts for the person in
    ``user_column``."""
    sponsorship = Sponsorship._meta.db_table
    organization = Organization._meta.db_table
    return (
        f"(SELECT o.public_id FROM {sponsorship} s JOIN {organization} o"  # noqa: S608
        " ON o.id = s.organization_id"
        f" WHERE s.user_id = {user_column} AND s.status = %(sponsorship_active)s"
        " AND s.starts_at <= %(at)s AND s.expires_at > %(at)s"
        " AND o.status = %(organization_verified)s"
        " ORDER BY s.expires_at DESC LIMIT 1)"
    )


def _evidence_sql() -> str:
    attestation = Attestation._meta.db_table
    document = Document._meta.db_table
    vendor = VendorVerification._meta.db_table

    # attestations.selectors.documents_counting, inlined. Table names come from the
    # models and every value is a parameter (S608 below).
    def has_document(status_param: str, typed: str = "") -> str:
        return (
            f"EXISTS (SELECT 1 FROM {document} d WHERE d.user_id = a.user_id"  # noqa: S608
            " AND d.identity_fingerprint = a.identity_fingerprint"
            " AND d.supports_status = a.status"
            f" AND d.status = %({status_param})s{typed}"
            " AND (d.document_expires_on IS NULL OR d.document_expires_on >= %(today)s))"
        )

    return (
        f"SELECT {select_list(Attestation, 'a')},"  # noqa: S608
        f" {has_document('passed', ' AND d.mrz_source <> %(typed)s')} AS passed_document,"
        f" {has_document('passed', ' AND d.mrz_source = %(typed)s')} AS typed_document,"
        f" {has_document('approved')} AS approved_document,"
        # attestations.selectors.vendor_verifications_counting, inlined: the newest
        # vendor whose verification counts, or NULL.
        f" (SELECT v.vendor FROM {vendor} v WHERE v.user_id = a.user_id"
        " AND v.identity_fingerprint = a.identity_fingerprint"
        " AND v.supports_status = a.status AND v.outcome = %(accepted)s"
        " AND v.selfie_verified = %(yes)s"
        " AND (v.document_expires_on IS NULL OR v.document_expires_on >= %(today)s)"
        " ORDER BY v.id DESC LIMIT 1) AS vendor,"
        f" {_sponsor_sql(user_column='a.user_id')} AS sponsor"
        f" FROM {attestation} a"
        " WHERE a.user_id = %(user)s AND a.state = %(active)s AND a.expires_at > %(at)s"
        " ORDER BY a.signed_at DESC LIMIT 1"
    )


_EVIDENCE_SQL = _evidence_sql()
# What its columns after the attestation's hold: three flags, the name of a vendor whose
# verification counts (or NULL), then the sponsor's public id.
_EVIDENCE_EXTRA = (None, None, None, None, *model_fields(Organization, "public_id"))


def verification_status(*, user: User, at: datetime) -> VerificationStatus:
    """``attestations.selectors.verification_status``, in one statement."""
    params = {
        "sponsorship_active": Sponsorship.Status.ACTIVE.value,
        "organization_verified": Organization.Status.VERIFIED.value,
        "user": user.pk,
        "active": Attestation.State.ACTIVE.value,
        "at": at,
        "today": at.date(),
        "passed": Document.Status.PASSED.value,
        "approved": Document.Status.APPROVED.value,
        "typed": TYPED,
        "accepted": VendorVerification.Outcome.ACCEPTED.value,
        "yes": True,
    }
    rows = fetch(Attestation, _EVIDENCE_SQL, params, extra=_EVIDENCE_EXTRA)
    if not rows:
        return NONE
    attestation, (passed, typed, approved, vendor, sponsor) = rows[0]
    return status_from_evidence(
        attestation,
        passed=bool(passed),
        typed=bool(typed),
        approved=bool(approved),
        vendor=str(vendor) if vendor else None,
        sponsor=sponsor,
    )


_REVOCATION_COLUMNS = model_fields(
    UserRevocation, "blocks_issuance", "lifted_at", "created_at", "cutoff_at"
)
_REVOCATION_SQL = (
    f"SELECT {', '.join(field.column for field in _REVOCATION_COLUMNS)}"  # noqa: S608 - values are parameters
    f" FROM {UserRevocation._meta.db_table}"
    " WHERE user_id = %(user)s"
    " AND ((blocks_issuance AND lifted_at IS NULL) OR cutoff_at >= %(since)s)"
)


def revocations_in_force(
    *, user: User, since: datetime
) -> list[tuple[bool, datetime | None, datetime, datetime]]:
    """(blocks_issuance, lifted_at, created_at, cutoff_at) of the person's revocations
    that still block issuance, or whose cutoff is at or after ``since``."""
    return fetch_values(_REVOCATION_COLUMNS, _REVOCATION_SQL, {"user": user.pk, "since": since})


# One indexed lookup: the lists' version, and the strongest screening hold on the
# person (2 confirmed, 1 pending, NULL none) and on the organisation behind their
# sponsorship (partial indexes on both columns).
_HOLDING = "('pending', 'confirmed')"
_HOLD = "MAX(CASE WHEN m.status = 'confirmed' THEN 2 ELSE 1 END)"
_SCREENING_SQL = (
    f"SELECT (SELECT version FROM {ScreeningState._meta.db_table} WHERE id = 1),"  # noqa: S608 - values are parameters
    f" (SELECT {_HOLD} FROM {ScreeningMatch._meta.db_table} m"
    f"  WHERE m.user_id = %(user)s AND m.status IN {_HOLDING}),"
    f" (SELECT {_HOLD} FROM {ScreeningMatch._meta.db_table} m"
    f"  JOIN {Organization._meta.db_table} o ON o.id = m.organization_id"
    f"  WHERE o.public_id = %(org)s AND m.status IN {_HOLDING})"
)
_PUBLIC_ID = Organization._meta.get_field("public_id")


def screening_holds(
    *, user: User, organization_id: UUID | None
) -> tuple[str, int | None, int | None]:
    """The screening lists' version, and the strongest hold on the person and on the
    organisation (2 confirmed, 1 pending, None none)."""
    org: Any = _PUBLIC_ID.get_db_prep_value(organization_id, connection)
    rows = fetch_values((None, None, None), _SCREENING_SQL, {"user": user.pk, "org": org})
    version, person, organisation = rows[0] if rows else ("", None, None)
    return version or "", person, organisation
