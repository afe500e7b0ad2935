"""Celery tasks: thin, take ids, call one service; safe to run twice.

Each task function has its task's name (``attestations.<function>``).
"""

from __future__ import annotations

from celery import shared_task

from attestations.services import documents, ocr, retention


@shared_task(name="attestations.document_read_mrz", acks_late=True, ignore_result=True)
def document_read_mrz(document_public_id: str) -> None:
    # Idempotent: the service only acts on a document still waiting to be read.
    ocr.document_ocr_run(document_public_id=document_public_id)


@shared_task(name="attestations.document_images_purge", acks_late=True)
def document_images_purge() -> int:
    # Idempotent: an image already deleted is not selected again.
    return retention.document_images_purge()


@shared_task(name="attestations.documents_read_stalled", acks_late=True)
def documents_read_stalled() -> int:
    # Idempotent: a document already read is no longer ``processing``.
    return documents.documents_read_stalled()
