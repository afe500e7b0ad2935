from __future__ import annotations

from celery import shared_task

from accounts.services import api_keys_prune


@shared_task(name="accounts.api_keys_prune", acks_late=True)
def prune_api_keys() -> int:
    # Idempotent: deleting what is already gone deletes nothing.
    return api_keys_prune()
