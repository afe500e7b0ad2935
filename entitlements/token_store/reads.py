"""What the token path reads: the tier asked for and everything about the person in one
statement (``tier_and_token_facts``: the tier, evidence, revocations in force, screening
holds; ``token_facts`` without the tier, for other callers of ``decide``).

Each is a hand-written statement, built once and prepared (``idverify.prepared``): the ORM
took longer to compile these queries (subqueries, an OR of two conditions) than
PostgreSQL took to answer them. Each part has an ORM-shaped twin in its own app, which
the rest of the service uses and which tests hold equal to it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection

from accounts.models import Organization, Sponsorship, User
from attestations.models import Attestation, Document, VendorVerification
from attestations.selectors import NONE, TYPED, VerificationStatus, status_from_evidence
from entitlements.models import ModelTier, UserRevocation
from entitlements.token_store.ids import RESERVE_COLUMNS, ReservedIds, reserved
from idverify.prepared import fetch, fetch_values, model_fields, select_list
from screening.models import ScreeningMatch, ScreeningState


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


# Scalar subqueries, each one indexed lookup: the lists' version, and the strongest
# screening hold on the person and on an organisation (2 confirmed, 1 pending, NULL
# none; partial indexes on both columns).
_HOLDING = "('pending', 'confirmed')"
_HOLD = "MAX(CASE WHEN m.status = 'confirmed' THEN 2 ELSE 1 END)"
_LISTS_VERSION = f"(SELECT version FROM {ScreeningState._meta.db_table} WHERE id = 1)"  # noqa: S608
_PERSON_HOLD = (
    f"(SELECT {_HOLD} FROM {ScreeningMatch._meta.db_table} m"  # noqa: S608 - values are parameters
    f" WHERE m.user_id = %(user)s AND m.status IN {_HOLDING})"
)


def _organization_hold(public_id: str) -> str:
    return (
        f"(SELECT {_HOLD} FROM {ScreeningMatch._meta.db_table} m"  # noqa: S608
        f" JOIN {Organization._meta.db_table} o ON o.id = m.organization_id"
        f" WHERE o.public_id = {public_id} AND m.status IN {_HOLDING})"
    )


def _facts_sql(*, with_tier: bool = False, with_ids: bool = False) -> str:
    """The evidence statement joined (left: a person may have no attestation) to one row
    of everything else issuance reads about the person: the screening lists' version and
    holds, the newest officer withdrawal still in force, and the latest cutoff at or after
    ``since``; ``with_tier``, the columns of the tier called ``slug`` (NULL: none);
    ``with_ids`` (PostgreSQL), last, the ids the write will need (``ids``). One
    statement, one round trip."""
    revocation = UserRevocation._meta.db_table
    more = [select_list(ModelTier, "t")] * with_tier + list(RESERVE_COLUMNS) * with_ids
    more_columns = "".join(f", {columns}" for columns in more)
    tier_join = f" LEFT JOIN {ModelTier._meta.db_table} t ON t.slug = %(slug)s" if with_tier else ""
    return (
        f"SELECT {select_list(Attestation, 'e')}, e.passed_document, e.typed_document,"  # noqa: S608
        " e.approved_document, e.vendor, e.sponsor,"
        f" {_LISTS_VERSION}, {_PERSON_HOLD}, {_organization_hold('e.sponsor')},"
        f" (SELECT MAX(r.created_at) FROM {revocation} r WHERE r.user_id = %(user)s"
        " AND r.blocks_issuance AND r.lifted_at IS NULL),"
        f" (SELECT MAX(r.cutoff_at) FROM {revocation} r WHERE r.user_id = %(user)s"
        f" AND r.cutoff_at >= %(since)s){more_columns}"
        # One row always, the attestation's columns NULL when there is none.
        f" FROM (SELECT 1 AS one) always LEFT JOIN ({_evidence_sql()}) e ON 1 = 1{tier_join}"
    )


_FACTS_SQL = _facts_sql()
_TIER_AND_FACTS_SQL = _facts_sql(with_tier=True)
_TIER_FACTS_AND_IDS_SQL = _facts_sql(with_tier=True, with_ids=True)
_TIER_FIELDS = tuple(ModelTier._meta.concrete_fields)
_TIER_ATTNAMES = [field.attname for field in _TIER_FIELDS]
# What its columns after the attestation's hold: three flags, the name of a vendor whose
# verification counts (or NULL), the sponsor's public id, the lists' version, the two
# holds, and two revocation times.
_FACTS_EXTRA = (
    None,
    None,
    None,
    None,
    *model_fields(Organization, "public_id"),
    None,
    None,
    None,
    *model_fields(UserRevocation, "created_at", "cutoff_at"),
)


@dataclass(frozen=True)
class TokenFacts:
    """What issuance reads about a person, as of one moment."""

    # ``attestations.selectors.verification_status``.
    status: VerificationStatus
    # The restricted-party lists' version ("" before any import), and the strongest
    # hold on the person and on the organisation whose sponsorship counts (2 confirmed,
    # 1 pending, None none).
    screening_version: str
    person_hold: int | None
    organization_hold: int | None
    # When the newest officer withdrawal still blocking issuance was made, or None.
    withdrawn_at: datetime | None
    # The latest tokens-revoked cutoff at or after ``since``, or None.
    cutoff_at: datetime | None
    # Whose they are (a user's pk), and the moment they were read as of.
    user_id: int
    at: datetime
    # The ids the decision's write will need, when the read took them (PostgreSQL).
    reserved_ids: ReservedIds | None = None


def token_facts(*, user: User, at: datetime, since: datetime) -> TokenFacts:
    """Everything ``entitlements.policy.decide`` reads about ``user``, in one statement."""
    [(attestation, extra)] = fetch(
        Attestation, _FACTS_SQL, _facts_params(user, at, since), extra=_FACTS_EXTRA
    )
    return _token_facts(attestation, extra, user.pk, at)


def tier_and_token_facts(
    *, slug: str, user: User, at: datetime, since: datetime
) -> tuple[ModelTier | None, TokenFacts]:
    """The tier a token is asked for, as it is now (its directive matters), or None; and
    ``token_facts``: one statement, the one read of a token request, so the tier and
    the person are read as of the same moment."""
    with_ids = connection.vendor == "postgresql"
    [(attestation, extra)] = fetch(
        Attestation,
        _TIER_FACTS_AND_IDS_SQL if with_ids else _TIER_AND_FACTS_SQL,
        {**_facts_params(user, at, since), "slug": slug},
        extra=(*_FACTS_EXTRA, *_TIER_FIELDS, *[None] * (len(RESERVE_COLUMNS) * with_ids)),
    )
    width, tier_width = len(_FACTS_EXTRA), len(_TIER_FIELDS)
    tier_values = list(extra[width : width + tier_width])
    tier = None
    if tier_values[0] is not None:  # the left join found the tier (its id comes first)
        tier = ModelTier.from_db("default", _TIER_ATTNAMES, tier_values)
    facts = _token_facts(attestation, extra[:width], user.pk, at)
    if with_ids:
        facts = replace(facts, reserved_ids=reserved(extra[width + tier_width :]))
    return tier, facts


def _facts_params(user: User, at: datetime, since: datetime) -> dict[str, Any]:
    return {
        "sponsorship_active": Sponsorship.Status.ACTIVE.value,
        "organization_verified": Organization.Status.VERIFIED.value,
        "user": user.pk,
        "active": Attestation.State.ACTIVE.value,
        "at": at,
        "today": at.date(),
        "since": since,
        "passed": Document.Status.PASSED.value,
        "approved": Document.Status.APPROVED.value,
        "typed": TYPED,
        "accepted": VendorVerification.Outcome.ACCEPTED.value,
        "yes": True,
    }


def _token_facts(
    attestation: Attestation, extra: tuple[Any, ...], user_id: int, at: datetime
) -> TokenFacts:
    passed, typed, approved, vendor, sponsor, version, person, organisation, withdrawn, cutoff = (
        extra
    )
    status = NONE
    if attestation.pk is not None:  # the left join found an attestation
        status = status_from_evidence(
            attestation,
            passed=bool(passed),
            typed=bool(typed),
            approved=bool(approved),
            vendor=str(vendor) if vendor else None,
            sponsor=sponsor,
        )
    return TokenFacts(
        status=status,
        screening_version=version or "",
        person_hold=person,
        # Only a sponsorship that counts brings its organisation's hold.
        organization_hold=organisation if status.organization_id is not None else None,
        withdrawn_at=withdrawn,
        cutoff_at=cutoff,
        user_id=user_id,
        at=at,
    )


_SCREENING_SQL = f"SELECT {_LISTS_VERSION}, {_PERSON_HOLD}, {_organization_hold('%(org)s')}"
_PUBLIC_ID = Organization._meta.get_field("public_id")


def screening_holds(
    *, user: User, organization_id: UUID | None
) -> tuple[str, int | None, int | None]:
    """The screening lists' version, and the strongest hold on the person and on the
    organisation (2 confirmed, 1 pending, None none): ``token_facts``'s, for the status page."""
    org: Any = _PUBLIC_ID.get_db_prep_value(organization_id, connection)
    rows = fetch_values((None, None, None), _SCREENING_SQL, {"user": user.pk, "org": org})
    version, person, organisation = rows[0] if rows else ("", None, None)
    return version or "", person, organisation
