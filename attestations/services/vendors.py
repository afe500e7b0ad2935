"""The vendor path: start a verification at a vendor, and settle it from the vendor's API.

The rules, the same for every vendor (attestations.vendors):

- A session is created here, server-side, bound to the person (the vendor
  keeps the person's public id and our verification id as metadata) and
  stored by its id. Nothing the browser sends or carries back counts.
- A webhook only says a session changed: after its signature verifies, the
  session is fetched from the vendor's API and its state there is the truth,
  whatever order events arrive in. An event id is processed once.
- A settled verification (accepted, not evidence, or sent for review) is final.
- A verified document counts only when it evidences the attested status
  (attestations.vendors.mapping), the selfie matched, and the verified names
  and birth date match the attestation (attestations.identity); a mismatch
  goes to a compliance officer as a document in the review queue.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from attestations.identity import same_name
from attestations.models import (
    US_PERSON_STATUSES,
    Attestation,
    Document,
    DocumentType,
    ReviewReason,
    VendorEvent,
    VendorVerification,
)
from attestations.selectors import attestation_current
from attestations.vendors import (
    EvidenceProvider,
    SessionResult,
    VerifiedDocument,
    WebhookEvent,
    vendor_label,
)
from attestations.vendors.mapping import describe, statuses_evidenced, why_not_evidence
from audit.services import audit_record
from idverify.errors import Conflict

logger = logging.getLogger(__name__)

Outcome = VendorVerification.Outcome
# Sessions a person may start in a day (each one costs the operator money).
MAX_STARTS_PER_DAY = 5
# What vendor_webhook_receive did with an event (also stored on VendorEvent).
APPLIED = "applied"
UNCHANGED = "unchanged"
REPLAYED = "replayed"
IGNORED = "ignored"
UNKNOWN_SESSION = "unknown_session"
ANOTHER_PERSON = "another_person"


def vendor_verification_start(
    *, user: User, provider: EvidenceProvider, return_url: str
) -> tuple[VendorVerification, str]:
    """Create a session at ``provider`` for ``user``; returns it and the url to send them to.

    Raises Conflict (no U.S.-person attestation to evidence, too many today) or
    VendorError (the vendor could not be reached: nothing is stored).
    """
    attestation = attestation_current(user=user)
    if attestation is None or attestation.status not in US_PERSON_STATUSES:
        raise Conflict(
            "Sign an attestation of your U.S.-person status first: the verification evidences it.",
            code="vendor.no_attestation",
        )
    since = timezone.now() - timedelta(days=1)
    if VendorVerification.objects.filter(user=user, created_at__gte=since).count() >= (
        MAX_STARTS_PER_DAY
    ):
        raise Conflict(
            f"You have started {MAX_STARTS_PER_DAY} verifications in the last day. Finish one "
            "of them, or try again tomorrow.",
            code="vendor.too_many",
        )
    reference = uuid.uuid4()
    started = provider.start(
        reference=str(reference), person_ref=str(user.public_id), return_url=return_url
    )
    with transaction.atomic():
        verification = VendorVerification.objects.create(
            public_id=reference,
            user=user,
            attestation=attestation,
            vendor=provider.name,
            session_id=started.session_id,
        )
        audit_record(
            action="vendor_verification.started",
            actor=user,
            subject_type="vendor_verification",
            subject_id=verification.public_id,
            data={"vendor": provider.name, "session": started.session_id},
        )
    return verification, started.redirect_url


def vendor_webhook_receive(*, provider: EvidenceProvider, event: WebhookEvent) -> str:
    """Process one authenticated event (``provider.parse_webhook``); returns what it did.

    Raises VendorError when the vendor's API cannot be asked: the event is then not
    recorded, so the vendor's retry processes it later.
    """
    seen = VendorEvent.objects.filter(vendor=provider.name, event_id=event.event_id)
    if seen.exists():
        logger.info("vendor %s event %s replayed: ignored", provider.name, event.event_id)
        return REPLAYED
    verification = (
        VendorVerification.objects.filter(vendor=provider.name, session_id=event.session_id)
        .select_related("user")
        .first()
        if event.session_id
        else None
    )
    if verification is None:
        result = IGNORED if not event.session_id else UNKNOWN_SESSION
        if result == UNKNOWN_SESSION:
            logger.warning(
                "vendor %s event %s names unknown session %s: nothing changed",
                provider.name,
                event.event_id,
                event.session_id,
            )
        return _record(provider, event, result)
    fetched = provider.fetch(event.session_id)
    with transaction.atomic():
        try:
            with transaction.atomic():
                recorded = VendorEvent.objects.create(
                    vendor=provider.name,
                    event_id=event.event_id,
                    event_type=event.event_type[:80],
                    session_id=event.session_id,
                    result=UNCHANGED,
                )
        except IntegrityError:
            return REPLAYED  # the same event, processed meanwhile by another delivery
        locked = VendorVerification.objects.select_for_update().get(pk=verification.pk)
        recorded.result = _apply(locked, fetched, provider)
        recorded.save(update_fields=["result"])
    return recorded.result


def _record(provider: EvidenceProvider, event: WebhookEvent, result: str) -> str:
    try:
        with transaction.atomic():
            VendorEvent.objects.create(
                vendor=provider.name,
                event_id=event.event_id,
                event_type=event.event_type[:80],
                session_id=event.session_id,
                result=result,
            )
    except IntegrityError:
        return REPLAYED
    return result


def _apply(
    verification: VendorVerification, fetched: SessionResult, provider: EvidenceProvider
) -> str:
    """Bring ``verification`` (locked) to what the vendor says now."""
    bound = (
        fetched.session_id == verification.session_id
        and fetched.person_ref == str(verification.user.public_id)
        and fetched.reference in ("", str(verification.public_id))
    )
    if not bound:
        logger.error(
            "vendor %s session %s is bound to another person or verification: nothing changed",
            provider.name,
            verification.session_id,
        )
        audit_record(
            action="vendor_verification.binding_mismatch",
            actor=None,
            subject_type="vendor_verification",
            subject_id=verification.public_id,
            data={"vendor": provider.name, "session": verification.session_id},
        )
        return ANOTHER_PERSON
    if verification.outcome in VendorVerification.SETTLED:
        return UNCHANGED
    before = (verification.outcome, verification.vendor_status)
    verification.vendor_status = fetched.vendor_status[:32]
    if fetched.state == "verified":
        _settle(verification, fetched, provider)
    elif fetched.state in ("processing", "requires_input", "canceled"):
        verification.outcome = fetched.state
        verification.reasons = (
            [{"code": fetched.error_code, "message": _retry_advice()}] if fetched.error_code else []
        )
    if (verification.outcome, verification.vendor_status) == before:
        return UNCHANGED
    verification.updated_at = timezone.now()
    verification.save()
    audit_record(
        action=f"vendor_verification.{verification.outcome}",
        actor=None,
        subject_type="vendor_verification",
        subject_id=verification.public_id,
        data={
            "user": verification.user.public_id,
            "vendor": provider.name,
            "session": verification.session_id,
            "vendor_status": verification.vendor_status,
            "document": [verification.document_kind, verification.issuing_country],
            "supports_status": verification.supports_status,
            "reasons": [reason["code"] for reason in verification.reasons],
        },
    )
    return APPLIED


def _retry_advice() -> str:
    return (
        "The vendor could not verify your passport and selfie. Start again and follow its "
        "instructions, or upload a document instead."
    )


def _settle(
    verification: VendorVerification, fetched: SessionResult, provider: EvidenceProvider
) -> None:
    now = timezone.now()
    attestation = attestation_current(user=verification.user)
    document = fetched.document
    verification.attestation = attestation
    verification.settled_at = now
    verification.selfie_verified = fetched.selfie_verified
    if document is not None:
        verification.document_kind = document.kind[:40]
        verification.issuing_country = document.issuing_country[:2]
        verification.document_expires_on = document.expires_on
    reason = _refusal(attestation, fetched, provider)
    if reason is not None:
        verification.outcome = Outcome.NOT_EVIDENCE
        verification.reasons = [reason]
        return
    if attestation is None or document is None:  # _refusal refused both
        return
    mismatches = _identity_mismatches(attestation, document, provider)
    if mismatches:
        verification.outcome = Outcome.NEEDS_REVIEW
        verification.reasons = mismatches
        verification.review_document = _review_document(verification, attestation, mismatches)
        return
    verification.outcome = Outcome.ACCEPTED
    verification.reasons = []
    verification.supports_status = attestation.status
    # It counts for the identity it matched, and no other (attestations.identity).
    verification.identity_fingerprint = attestation.identity_fingerprint


def _refusal(
    attestation: Attestation | None, fetched: SessionResult, provider: EvidenceProvider
) -> dict[str, str] | None:
    """Why a verified session is not evidence of the attested status, or None."""
    document = fetched.document
    if attestation is None or attestation.status not in US_PERSON_STATUSES:
        return {
            "code": "vendor.no_attestation",
            "message": "You have no current attestation of a U.S.-person status for it to "
            "evidence. Sign one, then verify again.",
        }
    if document is None or not fetched.document_verified:
        return {"code": "vendor.document_unverified", "message": _retry_advice()}
    if not (fetched.selfie_verified and provider.performs_biometric_check):
        return {
            "code": "vendor.selfie_unverified",
            "message": "The vendor did not match a live selfie to the document's photo.",
        }
    if attestation.status not in statuses_evidenced(document):
        return {
            "code": "vendor.not_status_evidence",
            "message": why_not_evidence(document, attestation.status),
        }
    if document.expires_on is not None and document.expires_on < timezone.now().date():
        return {"code": "vendor.document_expired", "message": f"{describe(document)} expired."}
    return None


def _identity_mismatches(
    attestation: Attestation, document: VerifiedDocument, provider: EvidenceProvider
) -> list[dict[str, str]]:
    """The verified outputs that differ from the attestation (no values: they name people)."""
    differs: list[dict[str, str]] = []
    pairs = (
        ("family_name", "family name", document.family_name, attestation.family_name),
        ("given_names", "given names", document.given_names, attestation.given_names),
    )
    for code, words, verified, attested in pairs:
        if not verified or not same_name(verified, attested):
            differs.append(
                {
                    "code": f"vendor.{code}_mismatch",
                    "message": f"The {words} {provider.label} read from the passport differ "
                    "from your attestation's.",
                }
            )
    if document.date_of_birth != attestation.date_of_birth:
        differs.append(
            {
                "code": "vendor.date_of_birth_mismatch",
                "message": f"The date of birth {provider.label} read from the passport differs "
                "from your attestation's.",
            }
        )
    return differs


def _review_document(
    verification: VendorVerification, attestation: Attestation, mismatches: list[dict[str, str]]
) -> Document:
    """The verified passport as a document in the officers' review queue, with the reasons."""
    label = vendor_label(verification.vendor)
    checks = [
        {
            "name": "vendor_verified",
            "passed": True,
            "message": f"{label}: passport verified and a live selfie matched to its photo "
            f"(session {verification.session_id}; its data is in the vendor's dashboard).",
        },
        *(
            {"name": reason["code"].removeprefix("vendor."), "passed": False, **reason}
            for reason in mismatches
        ),
    ]
    for check in checks:
        check.pop("code", None)
    return Document.objects.create(
        user=verification.user,
        attestation=attestation,
        document_type=DocumentType.US_PASSPORT,
        status=Document.Status.NEEDS_REVIEW,
        document_expires_on=verification.document_expires_on,
        checks=checks,
        review_reasons=[ReviewReason.VENDOR_IDENTITY_MISMATCH],
    )
