"""Deleting a document's image while keeping its check results (shared by several services)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from attestations.models import Document
from attestations.storage import sealed_file_delete
from audit.services import audit_record


def image_delete_locked(*, document: Document, reason: str, actor: User | None) -> bool:
    """Mark the image deleted and audit it; the file goes once the transaction commits.

    The caller holds the row lock inside its transaction. Returns False when
    there was no image left to delete.
    """
    if not document.has_image:
        return False
    name = document.file_name
    document.image_deleted_at = timezone.now()
    document.image_deleted_reason = reason
    document.ocr_prefill_sealed = None
    document.save(update_fields=["image_deleted_at", "image_deleted_reason", "ocr_prefill_sealed"])
    audit_record(
        action="document.image_deleted",
        actor=actor,
        subject_type="document",
        subject_id=document.public_id,
        data={"reason": reason, "file_type": document.file_type, "file_size": document.file_size},
    )
    transaction.on_commit(lambda: sealed_file_delete(name=name))
    return True
