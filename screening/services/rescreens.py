"""Screening everyone again after the lists change: a job that walks every person
with an active attestation and every registered organisation, in batches, each
batch one transaction that also moves the job's cursor (so a killed worker's
successor resumes where it stopped and nothing is screened twice for nothing).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from attestations.models import Attestation
from attestations.selectors import attestations_active_after
from idverify.celery import app
from idverify.enqueue import publish
from screening.models import RescreenJob
from screening.services.subjects import Subject, subject_screen

logger = logging.getLogger(__name__)
BATCH = 200
TASK = "screening.rescreen_run"
# A re-screen queued this long ago and never started, or silent this long while
# running, lost its task (a broker outage, a worker killed): it is sent again.
STALL_SECONDS = 300
Status = RescreenJob.Status


def person_subject(attestation: Attestation) -> Subject:
    return Subject.person(
        user=attestation.user,
        given_names=attestation.given_names,
        family_name=attestation.family_name,
        birth_date=attestation.date_of_birth,
        countries=attestation.citizenships,
    )


def _enqueue(job_id: int) -> None:
    # With the broker down, rescreens_resume_stalled sends it later (idverify.enqueue).
    publish(app.signature(TASK, args=(job_id,)))


def rescreen_start(*, list_version: str) -> RescreenJob:
    """Queue a re-screen for this list version (one per version)."""
    with transaction.atomic():
        job = RescreenJob.objects.filter(list_version=list_version).first()
        if job is None:
            job = RescreenJob.objects.create(
                list_version=list_version,
                total=Attestation.objects.filter(state=Attestation.State.ACTIVE).count()
                + Organization.objects.count(),
            )
            transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _people_batch(job: RescreenJob) -> int:
    attestations = list(attestations_active_after(after_user_id=job.user_cursor, limit=BATCH))
    for attestation in attestations:
        outcome = subject_screen(subject=person_subject(attestation), context="rescreen")
        job.potential_matches += len(outcome.new_matches)
    if attestations:
        job.user_cursor = attestations[-1].user_id
    return len(attestations)


def _organisations_batch(job: RescreenJob) -> int:
    organisations = list(
        Organization.objects.filter(pk__gt=job.organization_cursor).order_by("pk")[:BATCH]
    )
    for organization in organisations:
        outcome = subject_screen(
            subject=Subject.organisation(organization=organization), context="rescreen"
        )
        job.potential_matches += len(outcome.new_matches)
    if organisations:
        job.organization_cursor = organisations[-1].pk
    return len(organisations)


def rescreen_run(*, job_id: int) -> RescreenJob | None:
    """Run (or resume) a re-screen to its end; safe to call again at any time."""
    while True:
        with transaction.atomic():
            job = RescreenJob.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.status in (Status.SUCCEEDED, Status.FAILED):
                return job
            now = timezone.now()
            job.status = Status.RUNNING
            job.started_at = job.started_at or now
            job.heartbeat_at = now
            screened = _people_batch(job) or _organisations_batch(job)
            job.done += screened
            if not screened:
                job.status = Status.SUCCEEDED
                job.finished_at = now
                job.total = job.done
            job.save()
            if not screened:
                logger.info(
                    "re-screen %s finished: %s screened, %s new potential matches",
                    job.public_id,
                    job.done,
                    job.potential_matches,
                )
                return job


def rescreens_resume_stalled() -> int:
    """Send again the re-screens whose task was lost; the job row says what is left."""
    cutoff = timezone.now() - timedelta(seconds=STALL_SECONDS)
    stalled = list(
        RescreenJob.objects.filter(
            Q(status=Status.QUEUED, created_at__lt=cutoff)
            | Q(status=Status.RUNNING, heartbeat_at__lt=cutoff)
        ).values_list("pk", flat=True)
    )
    for pk in stalled:
        _enqueue(pk)
    return len(stalled)
