"""Reads about attestations and documents, and the one place verification levels are computed."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from accounts.selectors.sponsorships import sponsorships_counting
from accounts.selectors.users import is_compliance_officer
from attestations.declarations import SHIPPED
from attestations.evidence import NO_ASSURANCE, Assurance, assurance_of
from attestations.models import (
    US_PERSON_STATUSES,
    Attestation,
    Declaration,
    Document,
    VendorVerification,
)
from attestations.vendors import vendor_label
from idverify import crypto
from idverify.errors import PermissionDenied
from idverify.url_ids import get_by_public_id

Basis = Literal["self", "document", "sponsorship", "both", "review"]
# Document.mrz_source of lines the person typed (not read from an image).
TYPED = "typed"


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
    # The evidence behind the status, as strength, validation and verification
    # (attestations.evidence); ``decide`` reads the assurance and basis only.
    assurance: Assurance = NO_ASSURANCE

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


def documents_counting(*, attestation: Attestation, at: datetime) -> QuerySet[Document]:
    """Documents that evidence ``attestation`` at ``at``: its owner's, passed or approved,
    supporting its status, not expired, and checked against its identity (names and
    birth date, ``attestations.identity``), so that re-signing with another name or
    birth date leaves them behind. Passed on typed lines alone does not count: they
    prove consistency, not the document (``attestations.evidence``).
    The token path inlines this rule as SQL (``entitlements.token_store``); a test holds
    the two equal."""
    return Document.objects.exclude(status=Document.Status.PASSED, mrz_source=TYPED).filter(
        _unexpired(at),
        **_bound_to(attestation),
        status__in=(Document.Status.PASSED, Document.Status.APPROVED),
    )


def vendor_verifications_counting(
    *, attestation: Attestation, at: datetime
) -> QuerySet[VendorVerification]:
    """Vendor verifications that evidence ``attestation`` at ``at``: its owner's, accepted,
    with the selfie matched, supporting its status, for its identity, not expired.
    The token store (``entitlements.token_store``) inlines this rule as SQL; a test
    holds the two equal."""
    return _vendor_verifications(attestation, at)


def _vendor_verifications(
    attestation: Attestation | None, at: datetime
) -> QuerySet[VendorVerification]:
    return VendorVerification.objects.filter(
        _unexpired(at),
        **_bound_to(attestation),
        outcome=VendorVerification.Outcome.ACCEPTED,
        selfie_verified=True,
    )


def _bound_to(attestation: Attestation | None) -> dict[str, Any]:
    """Evidence tied to ``attestation``: its owner's, for its identity, supporting its
    status. ``None``: tied to the attestation of the outer query (in a subquery)."""
    if attestation is None:
        return {
            "user_id": OuterRef("user_id"),
            "identity_fingerprint": OuterRef("identity_fingerprint"),
            "supports_status": OuterRef("status"),
        }
    return {
        "user_id": attestation.user_id,
        "identity_fingerprint": attestation.identity_fingerprint,
        "supports_status": attestation.status,
    }


def _unexpired(at: datetime) -> Q:
    """A document counts through its expiry date."""
    return Q(document_expires_on__isnull=True) | Q(document_expires_on__gte=at.date())


def _counting_documents(at: datetime) -> QuerySet[Document]:
    """``documents_counting``'s rule, before its statuses, against the outer attestation."""
    return Document.objects.filter(_unexpired(at), **_bound_to(None))


def verification_status(*, user: User, at: datetime | None = None) -> VerificationStatus:
    """The person's level now.

    The rules: an active, unexpired attestation, clean at signing or cleared by an
    officer (level 1); a passed document that counts for it (``documents_counting``:
    supporting the attested status, checked against the attested identity), a vendor
    verification that counts (``vendor_verifications_counting``), or an
    organisation's sponsorship that counts (``accounts.selectors.sponsorships.
    sponsorships_counting``), gives level 2; both, or an officer-approved
    document, give level 3. The token path reads the same evidence with one
    prepared statement (``entitlements.token_store``); a test holds the two equal.
    """
    now = at or timezone.now()
    documents = _counting_documents(now)
    sponsor = (
        sponsorships_counting(at=now)
        .filter(user_id=OuterRef("user_id"))
        .order_by("-expires_at")
        .values("organization__public_id")[:1]
    )
    attestation = (
        Attestation.objects.filter(user=user, state=Attestation.State.ACTIVE, expires_at__gt=now)
        .annotate(
            passed_document=Exists(
                documents.filter(status=Document.Status.PASSED).exclude(mrz_source=TYPED)
            ),
            typed_document=Exists(
                documents.filter(status=Document.Status.PASSED, mrz_source=TYPED)
            ),
            approved_document=Exists(documents.filter(status=Document.Status.APPROVED)),
            vendor=Subquery(_vendor_verifications(None, now).order_by("-id").values("vendor")[:1]),
            sponsor=Subquery(sponsor),
        )
        .order_by("-signed_at")
        .first()
    )
    if attestation is None:
        return NONE
    return status_from_evidence(
        attestation,
        passed=attestation.passed_document,
        typed=attestation.typed_document,
        approved=attestation.approved_document,
        vendor=attestation.vendor,
        sponsor=attestation.sponsor,
    )


def status_from_evidence(
    attestation: Attestation,
    *,
    passed: bool,
    typed: bool,
    approved: bool,
    vendor: str | None,
    sponsor: UUID | None,
) -> VerificationStatus:
    """The level that ``attestation`` (active, unexpired) reaches with this evidence: a
    passed document (read, or ``typed`` lines only), an approved one, the name of the
    vendor whose verification counts, and the public id of the organisation whose
    sponsorship counts."""
    # A flag at signing counts until a compliance officer settles it by approving a document.
    if not (attestation.geo_clean or attestation.geo_cleared_at):
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

    # A vendor's verification counts as a checked document for the level (basis
    # "document"); its biometric holder check is what the assurance adds.
    document = bool(approved or passed or vendor)
    organization_id: UUID | None = sponsor
    assurance = assurance_of(
        attested_us_person=True,
        document_read=bool(passed),
        document_reviewed=bool(approved),
        mrz_typed=bool(typed),
        sponsorship=organization_id is not None,
        vendor=vendor_label(str(vendor)) if vendor else None,
    )
    base = dataclasses.replace(base, assurance=assurance)
    basis: Basis
    if approved:
        level, basis = 3, "review"
    elif document and organization_id:
        level, basis = 3, "both"
    elif document:
        level, basis = 2, "document"
    elif organization_id:
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
        assurance=assurance,
    )


def declaration_current() -> Declaration:
    """The declaration people sign now: the latest published version.

    A migration publishes the shipped text; should the table have been emptied
    (a database flushed between tests, say) the shipped text is published again.
    """
    declaration = Declaration.objects.order_by("-published_at", "-id").first()
    if declaration is not None:
        return declaration
    shipped = SHIPPED.latest()
    declaration, _ = Declaration.objects.get_or_create(
        version=shipped.version, defaults={"text": shipped.text, "sha256": shipped.sha256}
    )
    return declaration


def document_list(*, viewer: User) -> QuerySet[Document]:
    """The viewer's own documents, newest first."""
    return Document.objects.filter(user=viewer).order_by("-created_at", "-id")


def document_get(*, viewer: User, public_id: object) -> Document:
    """A document its owner or a compliance officer may see; anyone else gets "not found".

    404 rather than 403, so nobody learns that someone else's document id exists.
    """
    documents = Document.objects.select_related("user", "attestation", "reviewed_by")
    if not is_compliance_officer(viewer):
        documents = documents.filter(user=viewer)
    return get_by_public_id(documents, public_id, what="document")


def review_queue(*, viewer: User) -> QuerySet[Document]:
    """Documents waiting for a compliance officer, oldest first (officers only)."""
    if not is_compliance_officer(viewer):
        raise PermissionDenied("Only compliance officers review documents.")
    return (
        Document.objects.filter(status=Document.Status.NEEDS_REVIEW)
        .select_related("user", "attestation")
        .order_by("created_at", "id")
    )


def mrz_purpose(document: Document) -> str:
    return f"document-mrz:{document.public_id}"


def ocr_prefill_purpose(document: Document) -> str:
    return f"document-ocr-prefill:{document.public_id}"


def document_mrz_text(*, document: Document) -> str:
    """The document's machine-readable lines (typed or read), decrypted; "" if none."""
    if not document.mrz_sealed:
        return ""
    return crypto.decrypt(bytes(document.mrz_sealed), purpose=mrz_purpose(document)).decode()


def document_ocr_prefill(*, document: Document) -> str:
    """What OCR read when it could not settle, to prefill the typing form; "" if nothing."""
    if not document.ocr_prefill_sealed:
        return ""
    sealed = bytes(document.ocr_prefill_sealed)
    return crypto.decrypt(sealed, purpose=ocr_prefill_purpose(document)).decode()


def attestations_active_after(*, after_user_id: int, limit: int) -> QuerySet[Attestation]:
    """Active attestations in user order from ``after_user_id`` (screening walks everyone)."""
    return (
        Attestation.objects.filter(state=Attestation.State.ACTIVE, user_id__gt=after_user_id)
        .select_related("user")
        .order_by("user_id")[:limit]
    )
