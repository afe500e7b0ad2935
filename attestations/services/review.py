"""A compliance officer's decision on a document waiting for review."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors.users import is_compliance_officer
from accounts.separation import require_other_person
from attestations.models import (
    APPROVAL_REASONS,
    REJECTION_REASONS,
    Attestation,
    Document,
    DocumentDecisionReason,
)
from attestations.selectors import document_get
from attestations.services.images import image_delete_locked
from audit.services import audit_record
from idverify.errors import Conflict, PermissionDenied, ValidationFailed

APPROVE = "approve"
REJECT = "reject"


def _validate(decision: str, reason: str, note: str) -> None:
    if decision not in (APPROVE, REJECT):
        raise ValidationFailed(fields={"decision": ["Choose approve or reject."]})
    allowed = APPROVAL_REASONS if decision == APPROVE else REJECTION_REASONS
    if reason not in allowed:
        raise ValidationFailed(
            fields={"reason": [f"Choose a reason that fits the decision to {decision}."]}
        )
    if reason == DocumentDecisionReason.OTHER and not note:
        raise ValidationFailed(fields={"note": ["Explain the decision in the note."]})
    if len(note) > 2000:
        raise ValidationFailed(fields={"note": ["Use at most 2000 characters."]})


def document_review_decide(
    *, officer: User, document_public_id: object, decision: str, reason: str, note: str = ""
) -> Document:
    """Approve or reject a document in the review queue; the image is deleted afterwards.

    Approval makes the document support the attested status (level 3, basis
    "review") and settles a location flag raised at signing.
    """
    if not is_compliance_officer(officer):
        raise PermissionDenied("Only compliance officers review documents.")
    note = note.strip()
    _validate(decision, reason, note)
    with transaction.atomic():
        found = document_get(viewer=officer, public_id=document_public_id)
        document = Document.objects.select_for_update().get(pk=found.pk)
        require_other_person(
            actor=officer,
            subject=document.user_id,
            message="You cannot review your own document; ask another officer.",
        )
        if document.status != Document.Status.NEEDS_REVIEW:
            raise Conflict("This document is not waiting for review (someone may have decided).")
        now = timezone.now()
        attestation = document.attestation
        if decision == APPROVE:
            document.status = Document.Status.APPROVED
            document.supports_status = attestation.status if attestation else ""
            # It counts for the identity the officer compared it with, and no other.
            document.identity_fingerprint = attestation.identity_fingerprint if attestation else ""
            if attestation is not None and not attestation.geo_clean:
                Attestation.objects.filter(pk=attestation.pk).update(geo_cleared_at=now)
        else:
            document.status = Document.Status.REJECTED
            document.supports_status = ""
            document.identity_fingerprint = ""
        document.reviewed_by = officer
        document.decision_reason = reason
        document.decision_note = note
        document.decided_at = now
        document.save()
        audit_record(
            action=f"document.{'approved' if decision == APPROVE else 'rejected'}",
            actor=officer,
            subject_type="document",
            subject_id=document.public_id,
            data={
                "user": document.user.public_id,
                "reason": reason,
                "note": note,
                "review_reasons": document.review_reasons,
                "supports_status": document.supports_status,
                "attestation": attestation.public_id if attestation else None,
                "geo_flag_cleared": decision == APPROVE
                and attestation is not None
                and not attestation.geo_clean,
            },
        )
        image_delete_locked(document=document, reason="reviewed", actor=None)
    return document
