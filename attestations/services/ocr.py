"""Reading a document's MRZ from its image and checking the image as a document.

Run by a Celery task; idempotent.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from attestations.documents import DocumentExaminer, Examination
from attestations.models import Document, ReviewReason
from attestations.mrz import check_to_json
from attestations.ocr import ImageRejectedError, OcrEngineError, OcrStatus
from attestations.pdf import render_first_page
from attestations.reading import document_examiner
from attestations.selectors import attestation_current, ocr_prefill_purpose
from attestations.services.checks import mrz_apply
from attestations.services.images import image_delete_locked
from attestations.storage import purpose_for, sealed_file_read
from attestations.uploads import PDF
from audit.services import audit_record
from idverify import crypto

logger = logging.getLogger(__name__)


def _image_bytes(document: Document) -> bytes | None:
    data = sealed_file_read(name=document.file_name, purpose=purpose_for(document.public_id))
    if document.file_type == PDF:
        return render_first_page(
            data,
            max_dimension=settings.IDV_DOCUMENT_MAX_DIMENSION,
            max_pixels=settings.IDV_DOCUMENT_MAX_PIXELS,
        )
    return data


def _ask_for_lines(document: Document, examination: Examination | None) -> None:
    """Never a dead end: the person is asked to type the lines, prefilled with what was
    read; what the image showed (too small, blurred) stays beside it as advice."""
    document.status = Document.Status.NEEDS_INPUT
    if examination is None:
        return
    document.checks = [check_to_json(check) for check in examination.failed]
    document.ocr_model = examination.outcome.model
    if examination.outcome.lines:
        document.ocr_prefill_sealed = crypto.encrypt(
            "\n".join(examination.outcome.lines).encode(), purpose=ocr_prefill_purpose(document)
        )


def document_ocr_run(
    *, document_public_id: str, examiner: DocumentExaminer | None = None
) -> Document:
    """Read and examine a document still ``processing``; anything else is left as it is.

    OCR runs outside the transaction (it takes a second or more); the result is
    applied under a row lock only if the document is still waiting for it, so
    a task delivered twice changes nothing the second time.
    """
    document = Document.objects.get(public_id=document_public_id)
    if document.status != Document.Status.PROCESSING or not document.has_image:
        return document
    image = _image_bytes(document)
    examination: Examination | None = None
    problem = ""
    if image is not None:
        try:
            examination = (examiner or document_examiner()).examine(image)
        except ImageRejectedError as error:
            problem = f"image rejected: {error}"
        except OcrEngineError as error:
            logger.warning("OCR engine failed", extra={"document": str(document.public_id)})
            problem = f"engine failed: {error}"

    outcome = examination.outcome if examination else None
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status != Document.Status.PROCESSING:
            return document
        attestation = attestation_current(user=document.user) or document.attestation
        if image is None:
            document.status = Document.Status.NEEDS_REVIEW
            document.review_reasons = [ReviewReason.PDF_UNREADABLE]
        elif outcome is not None and outcome.status == OcrStatus.READ and attestation is not None:
            document.ocr_model = outcome.model
            mrz_apply(
                document=document,
                attestation=attestation,
                mrz="\n".join(outcome.lines),
                source="ocr",
                name_confirmed=True,
                document_checks=examination.checks if examination else (),
            )
        else:
            _ask_for_lines(document, examination)
        document.save()
        audit_record(
            action="document.read",
            actor=None,
            subject_type="document",
            subject_id=document.public_id,
            data={
                "ocr_status": outcome.status.value if outcome else None,
                "ocr_model": document.ocr_model,
                "problem": problem,
                "status": document.status,
                "review_reasons": document.review_reasons,
                "decision_reason": document.decision_reason,
                "document_checks_failed": [
                    check.name for check in (examination.failed if examination else ())
                ],
                "measurements": {
                    name: round(value, 3)
                    for name, value in (examination.measurements if examination else {}).items()
                },
            },
        )
        if document.status == document.Status.PASSED:
            image_delete_locked(document=document, reason="checks_passed", actor=None)
        elif document.status == document.Status.REJECTED:
            image_delete_locked(document=document, reason="refused_by_checks", actor=None)
    return document
