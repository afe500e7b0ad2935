"""Celery tasks: thin, take ids, call one service; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from attestations.services import document_images_purge, document_ocr_run
from attestations.services.documents import documents_read_stalled


@shared_task(name="attestations.document_read_mrz", acks_late=True, ignore_result=True)
def document_read_mrz(document_public_id: str) -> None:
    # Idempotent: the service only acts on a document still waiting to be read.
    document_ocr_run(document_public_id=document_public_id)


@shared_task(name="attestations.document_images_purge", acks_late=True)
def purge_document_images() -> int:
    # Idempotent: an image already deleted is not selected again.
    return document_images_purge()


@shared_task(name="attestations.documents_read_stalled", acks_late=True)
def read_stalled_documents() -> int:
    # Idempotent: a document already read is no longer ``processing``.
    return documents_read_stalled()
