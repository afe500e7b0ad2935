"""Submitting identity documents, typing their MRZ, and deleting their images."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from attestations.models import Attestation, Document, DocumentType, ReviewReason, UsPersonStatus
from attestations.selectors import attestation_current, document_get
from attestations.services.checks import mrz_apply, mrz_shape_error, refusal_fields
from attestations.services.images import image_delete_locked
from attestations.storage import purpose_for, sealed_file_delete, sealed_file_write
from attestations.uploads import UploadLimits, inspect_upload
from audit.services import audit_record
from idverify.enqueue import publish
from idverify.errors import Conflict, NotFound, ValidationFailed

# Documents that carry an ICAO machine-readable zone (or may: a foreign passport).
MRZ_DOCUMENT_TYPES = frozenset(
    {
        DocumentType.US_PASSPORT,
        DocumentType.US_PASSPORT_CARD,
        DocumentType.PERMANENT_RESIDENT_CARD,
        DocumentType.REFUGEE_TRAVEL_DOCUMENT,
        DocumentType.OTHER,
    }
)


def upload_limits() -> UploadLimits:
    return UploadLimits(
        max_bytes=settings.IDV_DOCUMENT_MAX_BYTES,
        max_pixels=settings.IDV_DOCUMENT_MAX_PIXELS,
        max_dimension=settings.IDV_DOCUMENT_MAX_DIMENSION,
        max_pdf_pages=settings.IDV_DOCUMENT_MAX_PDF_PAGES,
    )


def _enqueue_reading(document_id: uuid.UUID) -> None:
    from attestations.tasks import document_read_mrz  # tasks import services: no cycle at load

    # With the broker down, documents_read_stalled sends it later (idverify.enqueue).
    publish(document_read_mrz.s(str(document_id)))


# A document still ``processing`` this long after it was sent lost its reading task
# (a broker outage, a worker killed): documents_read_stalled sends it again.
READ_STALL_SECONDS = 120


def documents_read_stalled() -> int:
    """Send again the reading of documents whose task was lost; the row is the record."""
    cutoff = timezone.now() - timedelta(seconds=READ_STALL_SECONDS)
    waiting = Document.objects.filter(status=Document.Status.PROCESSING, created_at__lt=cutoff)
    public_ids = list(waiting.values_list("public_id", flat=True)[:1000])
    for public_id in public_ids:
        _enqueue_reading(public_id)
    return len(public_ids)


def _validate_input(*, document_type: str, file_data: bytes | None, mrz: str) -> None:
    if document_type not in DocumentType.values:
        raise ValidationFailed(fields={"document_type": ["Choose the kind of document."]})
    if not file_data and not mrz:
        message = "Upload a photo or scan of the document, or type its machine-readable lines."
        raise ValidationFailed(message, fields={"file": [message]})
    if mrz and (problem := mrz_shape_error(mrz)):
        raise ValidationFailed(problem, fields={"mrz": [problem]})
    if not file_data and document_type not in MRZ_DOCUMENT_TYPES:
        message = "This kind of document has no machine-readable lines: upload a photo or scan."
        raise ValidationFailed(message, fields={"file": [message]})


def _attestation_for_documents(user: User) -> Attestation:
    attestation = attestation_current(user=user)
    if attestation is None:
        raise Conflict("Sign your attestation first; a document is checked against it.")
    if attestation.status == UsPersonStatus.NOT_US_PERSON:
        raise Conflict(
            "Your attestation says you are not a U.S. person, so no document is needed. "
            "If your status has changed, sign a new attestation first."
        )
    return attestation


def document_submit(
    *, user: User, document_type: str, file_data: bytes | None = None, mrz: str | None = None
) -> Document:
    """Accept a document as evidence for the user's current attestation.

    With typed MRZ lines the checks run at once, and lines that show an expired
    document or another kind than the one chosen are refused as bad input (nothing
    is stored; the person changes the field and sends again); an image of an MRZ
    document is read by OCR in the background; a document without an MRZ goes to
    review.
    """
    mrz = (mrz or "").strip()
    _validate_input(document_type=document_type, file_data=file_data, mrz=mrz)
    inspected = inspect_upload(file_data, limits=upload_limits()) if file_data else None
    attestation = _attestation_for_documents(user)
    public_id = uuid.uuid4()
    file_name = ""
    if file_data:
        file_name = sealed_file_write(data=file_data, purpose=purpose_for(public_id))
    now = timezone.now()
    try:
        with transaction.atomic():
            document = Document(
                public_id=public_id,
                user=user,
                attestation=attestation,
                document_type=document_type,
                status=Document.Status.PROCESSING,
                created_at=now,
                file_name=file_name,
                file_type=inspected.content_type if inspected else "",
                file_size=inspected.size if inspected else None,
                retain_image_until=(
                    now + timedelta(days=settings.IDV_DOCUMENT_RETENTION_DAYS)
                    if file_name
                    else None
                ),
            )
            if mrz:
                mrz_apply(
                    document=document,
                    attestation=attestation,
                    mrz=mrz,
                    source="typed",
                    name_confirmed=True,
                )
                if fields := refusal_fields(document):
                    raise ValidationFailed(next(iter(fields.values()))[0], fields=fields)
            elif document_type not in MRZ_DOCUMENT_TYPES:
                document.status = Document.Status.NEEDS_REVIEW
                document.review_reasons = [ReviewReason.NO_MRZ]
            document.save()
            audit_record(
                action="document.submitted",
                actor=user,
                subject_type="document",
                subject_id=public_id,
                data={
                    "document_type": document_type,
                    "file_type": document.file_type,
                    "file_size": document.file_size,
                    "mrz_typed": bool(mrz),
                    "status": document.status,
                    "review_reasons": document.review_reasons,
                },
            )
            if document.status == Document.Status.PASSED:
                image_delete_locked(document=document, reason="checks_passed", actor=None)
            if document.status == Document.Status.PROCESSING:
                transaction.on_commit(lambda: _enqueue_reading(public_id))
    except BaseException:
        if file_name:
            sealed_file_delete(name=file_name)
        raise
    return document


def document_mrz_submit(
    *, user: User, document_public_id: object, mrz: str, name_confirmed: bool
) -> Document:
    """The person types (or corrects) the MRZ of a document OCR could not settle."""
    mrz = mrz.strip()
    if not mrz:
        raise ValidationFailed(fields={"mrz": ["Type the machine-readable lines."]})
    if problem := mrz_shape_error(mrz):
        raise ValidationFailed(problem, fields={"mrz": [problem]})
    with transaction.atomic():
        found = document_get(viewer=user, public_id=document_public_id)
        if found.user_id != user.pk:
            raise NotFound("No such document.")
        document = Document.objects.select_for_update().get(pk=found.pk)
        if document.status != Document.Status.NEEDS_INPUT:
            raise Conflict("This document is not waiting for its machine-readable lines.")
        attestation = attestation_current(user=user)
        if attestation is None:
            raise Conflict("Your attestation has expired; renew it first.")
        document.attestation = attestation
        mrz_apply(
            document=document,
            attestation=attestation,
            mrz=mrz,
            source="typed",
            name_confirmed=name_confirmed,
        )
        document.save()
        audit_record(
            action="document.mrz_typed",
            actor=user,
            subject_type="document",
            subject_id=document.public_id,
            data={
                "status": document.status,
                "failed_attempts": document.failed_attempts,
                "name_confirmed": name_confirmed,
                "review_reasons": document.review_reasons,
                "decision_reason": document.decision_reason,
            },
        )
        if document.status == Document.Status.PASSED:
            image_delete_locked(document=document, reason="checks_passed", actor=None)
        elif document.status == Document.Status.REJECTED:
            image_delete_locked(document=document, reason="refused_by_checks", actor=None)
    return document


def document_image_delete(*, user: User, document_public_id: object) -> Document:
    """The owner deletes their document's image now; the check results stay."""
    with transaction.atomic():
        found = document_get(viewer=user, public_id=document_public_id)
        if found.user_id != user.pk:
            raise NotFound("No such document.")
        document = Document.objects.select_for_update().get(pk=found.pk)
        if document.status == Document.Status.PROCESSING:
            # Nothing left to read: ask for the lines instead of leaving it stuck.
            document.status = Document.Status.NEEDS_INPUT
            document.save(update_fields=["status"])
        image_delete_locked(document=document, reason="deleted_by_owner", actor=user)
    return document
