from __future__ import annotations

from celery import shared_task

from audit.services import audit_seal_pending


@shared_task(name="audit.seal_pending", acks_late=True, ignore_result=True)
def seal_pending() -> None:
    # Idempotent: sealing only ever takes unsealed events, under one lock.
    audit_seal_pending()
