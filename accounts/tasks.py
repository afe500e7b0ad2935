"""Celery tasks: thin, take ids, call one service; re-running one changes nothing."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from accounts.enrolment.runner import enrolment_job_run
from accounts.services.api_keys import api_keys_prune
from accounts.services.enrolments import enrolments_prune, enrolments_resume_stalled
from accounts.services.invitation_emails import invitation_emails_send, invitations_send_pending
from accounts.services.organizations import organizations_expire_pending


@shared_task(name="accounts.api_keys_prune", acks_late=True)
def prune_api_keys() -> int:
    # Idempotent: deleting what is already gone deletes nothing.
    return api_keys_prune()


# acks_late with reject-on-worker-lost (settings): a worker killed mid-job
# leaves the message unacknowledged, so the broker hands it to the next worker,
# which resumes from the job's checkpoint.
@shared_task(name="accounts.enrolment_run", acks_late=True)
def enrolment_run(job_id: int) -> None:
    enrolment_job_run(job_id=job_id)


@shared_task(name="accounts.enrolments_resume_stalled", acks_late=True)
def resume_stalled_enrolments() -> int:
    return enrolments_resume_stalled()


@shared_task(name="accounts.enrolments_prune", acks_late=True)
def prune_enrolments() -> int:
    return enrolments_prune()


@shared_task(
    name="accounts.invitations_send",
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=8,
)
def invitations_send(invitation_ids: list[int]) -> int:
    # Each invitation's email goes out at most once per link (emailed_generation).
    return invitation_emails_send(invitation_ids=invitation_ids)


@shared_task(name="accounts.invitations_send_pending", acks_late=True)
def send_pending_invitations() -> int:
    return invitations_send_pending()


@shared_task(name="accounts.organizations_expire_pending", acks_late=True)
def expire_pending_organizations() -> int:
    # Idempotent: an expired registration is no longer pending.
    return organizations_expire_pending()
