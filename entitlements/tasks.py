from __future__ import annotations

from celery import shared_task

from entitlements.services.keys import signing_keys_rotate_if_due
from entitlements.services.rechecks import assurance_recheck_sweep
from entitlements.services.revocations import revocation_document_resign


@shared_task(name="entitlements.rotate_signing_keys", acks_late=True, ignore_result=True)
def rotate_signing_keys() -> None:
    # Idempotent: rotates only when the active key has reached its age, under row locks.
    signing_keys_rotate_if_due()


@shared_task(name="entitlements.revocations_heartbeat", ignore_result=True)
def revocations_heartbeat() -> None:
    # Re-signed even when unchanged, so verifiers always find a document inside its
    # exp. Not acks_late: a missed beat is made up by the next one (or by a read).
    revocation_document_resign()


@shared_task(name="entitlements.assurance_recheck", acks_late=True, ignore_result=True)
def assurance_recheck() -> None:
    # Idempotent: tokens it revokes are no longer live, so a second run finds nothing.
    assurance_recheck_sweep()
