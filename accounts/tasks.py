"""Celery tasks: thin, take ids, call one service; re-running one changes nothing.

Each function is named as its task is (``accounts.<function>``); the services it calls
are reached through their modules, so the two names never clash."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from accounts.enrolment import runner
from accounts.services import api_keys, enrolments, invitation_emails, organizations


@shared_task(name="accounts.api_keys_prune", acks_late=True)
def api_keys_prune() -> int:
    # Idempotent: deleting what is already gone deletes nothing.
    return api_keys.api_keys_prune()


# acks_late with reject-on-worker-lost (settings): a worker killed mid-job
# leaves the message unacknowledged, so the broker hands it to the next worker,
# which resumes from the job's checkpoint.
@shared_task(name="accounts.enrolment_run", acks_late=True)
def enrolment_run(job_id: int) -> None:
    runner.enrolment_job_run(job_id=job_id)


@shared_task(name="accounts.enrolments_resume_stalled", acks_late=True)
def enrolments_resume_stalled() -> int:
    return enrolments.enrolments_resume_stalled()


@shared_task(name="accounts.enrolments_prune", acks_late=True)
def enrolments_prune() -> int:
    return enrolments.enrolments_prune()


@shared_task(
    name="accounts.invitations_send",
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=8,
)
def invitations_send(invitation_ids: list[int]) -> int:
    # Each invitation's email goes out at most once per link (emailed_generation).
    return invitation_emails.invitation_emails_send(invitation_ids=invitation_ids)


@shared_task(name="accounts.invitations_send_pending", acks_late=True)
def invitations_send_pending() -> int:
    return invitation_emails.invitations_send_pending()


@shared_task(name="accounts.organizations_expire_pending", acks_late=True)
def organizations_expire_pending() -> int:
    # Idempotent: an expired registration is no longer pending.
    return organizations.organizations_expire_pending()
