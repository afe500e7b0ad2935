"""Applying the MRZ library's checks to a document and deciding where it goes next.

- every check passes (and location was clean at signing): ``passed``;
- the lines do not validate (a typo, a misread): ``needs_input``, the person
  types them again; after IDV_DOCUMENT_MAX_ATTEMPTS it goes to review instead
  of locking anyone out;
- the lines validate and show the document expired, or of another kind than
  the person chose: ``rejected`` at once, with the check's sentence saying what
  to do; an officer could only say the same, days later;
- the lines validate but disagree with the attestation: ``needs_review``;
- the lines were typed, not read from an image, and ``IDV_TYPED_MRZ_PASSES``
  is off: ``needs_review``;
- the lines were read from an image that did not pass every document check
  (printed fields agree with the MRZ, a portrait, a whole page of usable
  quality; see ``attestations.documents``): ``needs_review``, each reason listed.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from attestations.document_rules import document_rules
from attestations.documents import (
    EXAMINATION_CHECKS,
    IMAGE_CHECKS,
    PORTRAIT_CHECKS,
    PRINTED_CHECKS,
)
from attestations.models import Attestation, Document, DocumentDecisionReason, ReviewReason
from attestations.mrz import (
    Check,
    Claim,
    JsonValue,
    check_claim,
    check_to_json,
    parse_mrz,
)
from attestations.mrz import DocumentType as MrzDocumentType
from attestations.mrz import Status as MrzStatus
from attestations.selectors import mrz_purpose
from idverify import crypto

_STATUS_CHECKS = frozenset({"document_supports_status"})
# Checks whose failure the person can put right themselves: the document is refused
# at once with the check's own sentence, under the reason an officer would give.
REFUSING_CHECKS: dict[str, DocumentDecisionReason] = {
    "document_not_expired": DocumentDecisionReason.EXPIRED,
    "document_type_matches": DocumentDecisionReason.WRONG_DOCUMENT,
}


def _claim(attestation: Attestation, document: Document) -> Claim:
    return Claim(
        status=MrzStatus(attestation.status),
        family_name=attestation.family_name,
        given_names=attestation.given_names,
        birth_date=attestation.date_of_birth,
        citizenships=tuple(attestation.citizenships),
        document_type=MrzDocumentType(document.document_type),
        today=timezone.now().date(),
    )


def _flagged_at_signing(attestation: Attestation) -> bool:
    return not attestation.geo_clean and attestation.geo_cleared_at is None


def _to_review(document: Document, reasons: list[str]) -> None:
    document.status = Document.Status.NEEDS_REVIEW
    document.review_reasons = sorted({*document.review_reasons, *reasons})


def _image_checks(document: Document) -> list[JsonValue]:
    """The checks of an uploaded image recorded earlier: kept when lines are typed after it."""
    return [
        check
        for check in document.checks
        if isinstance(check, dict) and check.get("name") in EXAMINATION_CHECKS
    ]


def _record(document: Document, checks: Sequence[Check]) -> None:
    document.checks = [*(check_to_json(check) for check in checks), *_image_checks(document)]


def _document_reasons(checks: Sequence[Check]) -> list[str]:
    """Why an image read by OCR goes to an officer instead of passing."""
    made = {check.name for check in checks}
    failed = {check.name for check in checks if not check.passed}
    reasons: list[str] = []
    if failed & IMAGE_CHECKS or not made >= IMAGE_CHECKS:
        reasons.append(ReviewReason.IMAGE_UNUSABLE)
    if failed & PORTRAIT_CHECKS or not made >= PORTRAIT_CHECKS:
        reasons.append(ReviewReason.PORTRAIT_MISSING)
    if failed & PRINTED_CHECKS or not made >= PRINTED_CHECKS:
        reasons.append(ReviewReason.PRINTED_MISMATCH)
    return reasons


def _failed_reading(document: Document, checks: list[Check]) -> None:
    _record(document, checks)
    document.failed_attempts += 1
    if document.failed_attempts >= settings.IDV_DOCUMENT_MAX_ATTEMPTS:
        _to_review(document, [ReviewReason.REPEATED_FAILURES])
    else:
        document.status = Document.Status.NEEDS_INPUT


def mrz_apply(
    *,
    document: Document,
    attestation: Attestation,
    mrz: str,
    source: str,
    name_confirmed: bool,
    document_checks: Sequence[Check] = (),
) -> None:
    """Check ``mrz`` against the attestation and set the document's status (caller saves).

    The document is bound to the attestation it is compared with; only when
    every check passes does it take that attestation's identity fingerprint, so
    it counts for that identity and no other (``attestations.identity``).

    ``document_checks``: for lines read from an image, what the examination of
    that image found; lines read from an image pass only when every one of
    those checks was made and passed.
    """
    document.attestation = attestation
    document.identity_fingerprint = ""
    document.mrz_sealed = crypto.encrypt(mrz.encode(), purpose=mrz_purpose(document))
    document.mrz_source = source
    reading = parse_mrz(mrz, today=timezone.now().date())
    if reading.fields is None or not reading.valid:
        _failed_reading(document, list(reading.checks))
        return
    claim_checks = check_claim(
        fields=reading.fields, claim=_claim(attestation, document), rules=document_rules()
    )
    if source == "ocr":
        document.checks = []  # this image's checks replace any earlier ones
    _record(document, (*reading.checks, *claim_checks, *document_checks))
    document.document_expires_on = reading.fields.expiry_date.value
    failed = {check.name for check in claim_checks if not check.passed}
    refusing = [name for name in REFUSING_CHECKS if name in failed]
    if refusing:
        document.status = Document.Status.REJECTED
        document.decision_reason = REFUSING_CHECKS[refusing[0]]
        document.supports_status = ""
        document.decided_at = timezone.now()
        return
    reasons: list[str] = []
    if failed & _STATUS_CHECKS:
        reasons.append(ReviewReason.STATUS_MISMATCH)
    if failed - _STATUS_CHECKS:
        reasons.append(ReviewReason.CHECKS_FAILED)
    if _flagged_at_signing(attestation):
        reasons.append(ReviewReason.GEO_FLAGGED)
    if not name_confirmed:
        reasons.append(ReviewReason.NAME_UNCONFIRMED)
    if source == "typed" and not settings.IDV_TYPED_MRZ_PASSES:
        # Check digits follow a public formula: typed lines that pass them show
        # consistency, not possession of the document (docs/onboarding.md).
        reasons.append(ReviewReason.MRZ_TYPED)
    if source == "ocr":
        reasons += _document_reasons(document_checks)
    if reasons:
        _to_review(document, reasons)
        return
    document.status = Document.Status.PASSED
    document.supports_status = attestation.status
    document.identity_fingerprint = attestation.identity_fingerprint
    document.decided_at = timezone.now()


def refusal_fields(document: Document) -> dict[str, list[str]]:
    """The refusing checks' sentences by the form field the person changes to put them
    right: the kind of document, or the lines (of an expired document)."""
    fields: dict[str, list[str]] = {}
    for check in document.checks:
        if not check["passed"] and check["name"] in REFUSING_CHECKS:
            field = "document_type" if check["name"] == "document_type_matches" else "mrz"
            fields.setdefault(field, []).append(check["message"])
    return fields


def mrz_shape_error(mrz: str) -> str | None:
    """A sentence saying why typed text cannot be an MRZ at all, or None if it can."""
    reading = parse_mrz(mrz, today=timezone.now().date())
    if reading.fields is None:
        failed = [check.message for check in reading.checks if not check.passed]
        return failed[0] if failed else "This text is not a machine-readable zone."
    return None
