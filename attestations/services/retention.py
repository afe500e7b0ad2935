"""Deleting document images whose retention period has ended (periodic task)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from attestations.models import Document
from attestations.services.images import image_delete_locked

BATCH = 200


def document_images_purge(*, now: datetime | None = None) -> int:
    """Delete every image kept past its ``retain_image_until``; returns how many. Re-runnable."""
    now = now or timezone.now()
    deleted = 0
    while True:
        with transaction.atomic():
            due = list(
                Document.objects.select_for_update(skip_locked=True)
                .filter(image_deleted_at__isnull=True, retain_image_until__lte=now)
                .exclude(file_name="")
                .order_by("id")[:BATCH]
            )
            for document in due:
                if document.status == Document.Status.PROCESSING:
                    document.status = Document.Status.NEEDS_INPUT
                    document.save(update_fields=["status"])
                deleted += image_delete_locked(
                    document=document, reason="retention_period_ended", actor=None
                )
        if len(due) < BATCH:
            return deleted
