"""Starting enrolment jobs: upload (dry run or import), and importing a checked dry run."""

from __future__ import annotations

from datetime import timedelta
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.enrolment import csvfile
from accounts.models import EnrolmentJob, EnrolmentUpload, Organization, User
from accounts.queue import enqueue_on_commit
from accounts.selectors.memberships import can_manage
from audit.services import audit_record
from idverify.errors import Conflict, PermissionDenied, ValidationFailed

RUN_TASK = "accounts.enrolment_run"
Mode = EnrolmentJob.Mode


def _require_manager(actor: User, organization: Organization, *, importing: bool) -> None:
    if not can_manage(user=actor, organization=organization):
        raise PermissionDenied("Only the organisation's admins and signing officials can enrol.")
    if organization.status == Organization.Status.SUSPENDED:
        raise Conflict("The organisation is suspended; it cannot enrol anyone.")
    if organization.is_closed:
        raise Conflict("This registration was rejected or has expired; it cannot enrol anyone.")
    if importing and organization.status != Organization.Status.VERIFIED:
        # An import emails every new person: not before an officer has verified who sends.
        raise Conflict(
            "The organisation is not verified yet. You can check files now (a dry run) "
            "and import them once a compliance officer has verified the organisation."
        )


def _start(
    *,
    actor: User,
    organization: Organization,
    upload: EnrolmentUpload,
    mode: str,
    source_job: EnrolmentJob | None = None,
) -> EnrolmentJob:
    # A commit that follows a clean dry run of the same file skips the check pass.
    checked = source_job is not None and source_job.count_invalid == 0
    phase = (
        EnrolmentJob.Phase.APPLY
        if mode == Mode.COMMIT_VALID_ONLY or (mode == Mode.COMMIT and checked)
        else EnrolmentJob.Phase.CHECK
    )
    try:
        with transaction.atomic():
            job = EnrolmentJob.objects.create(
                organization=organization,
                upload=upload,
                created_by=actor,
                source_job=source_job,
                mode=mode,
                phase=phase,
            )
    except IntegrityError:
        raise Conflict(
            "Another enrolment is running for this organisation; wait for it to finish.",
            code="enrolment_running",
        ) from None
    audit_record(
        action="enrolment.started",
        actor=actor,
        subject_type="enrolment_job",
        subject_id=job.public_id,
        organization_id=organization.public_id,
        data={
            "mode": mode,
            "file": upload.filename,
            "sha256": upload.sha256,
            "rows": upload.rows_total,
        },
    )
    enqueue_on_commit(RUN_TASK, job.pk)
    return job


def enrolment_submit(
    *, actor: User, organization: Organization, file: IO[bytes], filename: str, size: int, mode: str
) -> EnrolmentJob:
    """Check the file's shape, store it encrypted and start a job on it (202 territory)."""
    if mode not in Mode.values:
        raise ValidationFailed(fields={"mode": ["Use dry_run, commit or commit_valid_only."]})
    _require_manager(actor, organization, importing=mode != Mode.DRY_RUN)
    shape = csvfile.inspect(file, size=size)
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if EnrolmentJob.objects.filter(
            organization=organization, status__in=EnrolmentJob.ACTIVE_STATUSES
        ).exists():
            raise Conflict(
                "Another enrolment is running for this organisation; wait for it to finish.",
                code="enrolment_running",
            )
        upload = EnrolmentUpload.objects.create(
            organization=organization,
            uploaded_by=actor,
            filename=(filename or "upload.csv")[:255],
            size=size,
            sha256="",
            rows_total=shape.rows_total,
            columns=list(shape.columns),
        )
        upload.sha256 = csvfile.store(upload, file)
        upload.save(update_fields=["sha256", "parts"])
        return _start(actor=actor, organization=organization, upload=upload, mode=mode)


def enrolment_commit(
    *, actor: User, organization: Organization, dry_run: EnrolmentJob, valid_only: bool
) -> EnrolmentJob:
    """Import the file a finished dry run checked (phase two of the web flow)."""
    _require_manager(actor, organization, importing=True)
    if dry_run.organization_id != organization.pk or dry_run.mode != Mode.DRY_RUN:
        raise Conflict("Only a dry run can be imported.")
    if dry_run.status != EnrolmentJob.Status.SUCCEEDED:
        raise Conflict("The dry run has not finished.")
    if dry_run.count_invalid and not valid_only:
        raise Conflict(
            f"The dry run found {dry_run.count_invalid} invalid rows. Fix them and upload "
            "again, or choose to import the valid rows only.",
            code="invalid_rows",
        )
    with transaction.atomic():
        upload = EnrolmentUpload.objects.select_for_update().get(pk=dry_run.upload_id)
        if upload.purged_at is not None:
            raise Conflict("This file has already been imported or has expired; upload it again.")
        if EnrolmentJob.objects.filter(
            Q(source_job=dry_run), ~Q(status=EnrolmentJob.Status.FAILED)
        ).exists():
            raise Conflict("This dry run has already been imported.")
        return _start(
            actor=actor,
            organization=organization,
            upload=upload,
            mode=Mode.COMMIT_VALID_ONLY if valid_only else Mode.COMMIT,
            source_job=dry_run,
        )


def enrolments_resume_stalled() -> int:
    """Re-enqueue jobs whose worker went silent (killed, or their task was lost)."""
    cutoff = timezone.now() - timedelta(seconds=settings.IDV_ENROLMENT_STALL_SECONDS)
    stalled = list(
        EnrolmentJob.objects.filter(
            Q(status=EnrolmentJob.Status.RUNNING, heartbeat_at__lt=cutoff)
            | Q(status=EnrolmentJob.Status.QUEUED, created_at__lt=cutoff)
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        for pk in stalled:
            enqueue_on_commit(RUN_TASK, pk)
    return len(stalled)


def enrolments_prune() -> int:
    """Delete uploads and results (personal data) past the retention period."""
    cutoff = timezone.now() - timedelta(days=settings.IDV_ENROLMENT_RETENTION_DAYS)
    old = EnrolmentUpload.objects.filter(created_at__lt=cutoff).exclude(
        jobs__status__in=EnrolmentJob.ACTIVE_STATUSES
    )
    deleted, _ = old.delete()
    return deleted
