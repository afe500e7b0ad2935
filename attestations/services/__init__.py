"""Writes about attestations and documents. Each service owns its transaction and audit record."""

from attestations.services.attestation import attestation_submit
from attestations.services.documents import (
    MRZ_DOCUMENT_TYPES,
    document_image_delete,
    document_mrz_submit,
    document_submit,
    upload_limits,
)
from attestations.services.ocr import document_ocr_run
from attestations.services.retention import document_images_purge
from attestations.services.review import APPROVE, REJECT, document_review_decide

__all__ = [
    "APPROVE",
    "MRZ_DOCUMENT_TYPES",
    "REJECT",
    "attestation_submit",
    "document_image_delete",
    "document_images_purge",
    "document_mrz_submit",
    "document_ocr_run",
    "document_review_decide",
    "document_submit",
    "upload_limits",
]
