"""Running an enrolment job: chunk by chunk, each chunk one transaction.

A chunk's roster writes, invitations, per-row results and the job's
checkpoint commit together, under a lock on the job row. A worker killed
mid-chunk loses only the uncommitted chunk; the next worker (the broker hands
the unacknowledged task out again, or the stall sweep re-enqueues it)
re-reads the file, skips every line up to the checkpoint and carries on. A
second worker running the same job at the same time finds the checkpoint
moved under it and stops, so no chunk is ever applied twice.

A chunk's invitation emails are handed to the queue just after its commit,
so a worker killed between the two leaves committed invitations no task will
send. The worker that takes the job up again sends those first (sending
claims each link, so an invitation that does have a task is not sent twice).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.enrolment import results
from accounts.enrolment.apply import classify
from accounts.enrolment.csvfile import FileRejected, upload_records
from accounts.enrolment.rows import Row, check_row
from accounts.models import EnrolmentJob, EnrolmentResultChunk, EnrolmentUploadPart, Organization
from accounts.queue import enqueue_on_commit
from accounts.screening_hook import ScreeningRequest, screen_many
from accounts.services.invitation_emails import SEND_BATCH, unclaimed_invitations
from accounts.services.invitations import SEND_TASK
from audit.services import audit_record

logger = logging.getLogger(__name__)

# A job taken up this many times without committing a chunk in between (it
# keeps killing its worker, say) is given up rather than retried for ever.
MAX_ATTEMPTS = 5
Status = EnrolmentJob.Status
Phase = EnrolmentJob.Phase


class _TakenOver(Exception):
    """Another worker moved the job on; this one stops quietly."""


@dataclass
class _Cursor:
    """What this worker believes the job's state is; checked against the row each chunk."""

    job: EnrolmentJob

    def matches(self, locked: EnrolmentJob) -> bool:
        return (
            locked.status == Status.RUNNING
            and locked.phase == self.job.phase
            and locked.checkpoint_line == self.job.checkpoint_line
        )


def enrolment_job_run(*, job_id: int) -> EnrolmentJob | None:
    """Run (or resume) a job to its end. Safe to call again for the same job at any time."""
    job = _claim(job_id)
    if job is None:
        return None
    cursor = _Cursor(job)
    try:
        while True:
            _run_phase(cursor)
            if not _next_phase(cursor):
                return cursor.job
    except _TakenOver:
        logger.info("enrolment job %s continued elsewhere", job.public_id)
        return None
    except FileRejected as exc:
        _finish(cursor.job, Status.FAILED, code=exc.instance_code, message=exc.message)
        return cursor.job


def _locked(job_id: int) -> EnrolmentJob | None:
    """The job row, locked for this transaction, with what running it reads."""
    return (
        EnrolmentJob.objects.select_for_update(of=("self",))
        .select_related("upload", "organization", "created_by")
        .filter(pk=job_id)
        .first()
    )


def _locked_as_expected(cursor: _Cursor) -> EnrolmentJob:
    """The locked job, if it is still where this worker left it; else another took over."""
    locked = _locked(cursor.job.pk)
    if locked is None or not cursor.matches(locked):
        raise _TakenOver
    return locked


def _claim(job_id: int) -> EnrolmentJob | None:
    now = timezone.now()
    with transaction.atomic():
        job = _locked(job_id)
        if job is None or job.status not in EnrolmentJob.ACTIVE_STATUSES:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            _finish_locked(
                job,
                Status.FAILED,
                code="too_many_attempts",
                message="The job stopped unexpectedly too many times; upload the file again.",
            )
            return None
        if job.organization.status == Organization.Status.SUSPENDED and job.phase == Phase.APPLY:
            _finish_locked(
                job, Status.FAILED, code="suspended", message="The organisation is suspended."
            )
            return None
        resumed = job.status == Status.RUNNING  # an earlier take-up did not finish
        job.attempts += 1
        job.status = Status.RUNNING
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.save(update_fields=["attempts", "status", "started_at", "heartbeat_at"])
        if resumed and job.phase == Phase.APPLY:
            _send_orphaned_invitations(job.organization)
    return job


def _send_orphaned_invitations(organization: Organization) -> None:
    """Queue the emails of invitations a killed worker committed but never queued."""
    ids = list(
        unclaimed_invitations().filter(organization=organization).values_list("pk", flat=True)
    )
    for start in range(0, len(ids), SEND_BATCH):
        enqueue_on_commit(SEND_TASK, ids[start : start + SEND_BATCH])


def _run_phase(cursor: _Cursor) -> None:
    job = cursor.job
    columns = tuple(job.upload.columns)
    chunk_rows: int = settings.IDV_ENROLMENT_CHUNK_ROWS
    first_line_of: dict[str, int] = {}
    pending: list[Row] = []
    for line, fields in upload_records(job.upload):
        row = check_row(line, fields, columns)
        if row.clean is not None:
            first = first_line_of.setdefault(row.clean.email, line)
            if first != line:
                row.invalidate(
                    "email", "duplicate_email", f"This email address is already on line {first}."
                )
        if line <= cursor.job.checkpoint_line:
            continue  # done by an earlier attempt; read only to know the emails seen
        pending.append(row)
        if len(pending) >= chunk_rows:
            _commit_chunk(cursor, pending)
            pending = []
    if pending:
        _commit_chunk(cursor, pending)


def _commit_chunk(cursor: _Cursor, rows: list[Row]) -> None:
    with transaction.atomic():
        locked = _locked_as_expected(cursor)
        apply = locked.phase == Phase.APPLY
        outcome = classify(
            organization=locked.organization,
            rows=rows,
            apply=apply,
            invited_by=locked.created_by,
        )
        held = _screen_rows(locked.organization, rows) if apply else 0
        EnrolmentResultChunk.objects.create(
            job=locked,
            index=locked.chunks_done,
            first_line=rows[0].line,
            last_line=rows[-1].line,
            data=results.seal_chunk(locked, locked.chunks_done, rows),
            errors=[error.as_dict() for row in rows for error in row.errors],
            error_count=sum(len(row.errors) for row in rows),
        )
        locked.count_new += outcome.new
        locked.count_updated += outcome.updated
        locked.count_unchanged += outcome.unchanged
        locked.count_invalid += outcome.invalid
        locked.rows_done += len(rows)
        locked.chunks_done += 1
        locked.checkpoint_line = rows[-1].line
        locked.heartbeat_at = timezone.now()
        # Progress: the count of fruitless attempts starts again.
        locked.attempts = 1
        locked.save()
        if apply:
            audit_record(
                action="enrolment.rows_applied",
                actor=locked.created_by,
                subject_type="enrolment_job",
                subject_id=locked.public_id,
                organization_id=locked.organization.public_id,
                data={
                    "lines": [rows[0].line, rows[-1].line],
                    "new": outcome.new,
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                    "invalid": outcome.invalid,
                    "invitations": len(outcome.invitation_ids),
                    "screening_potential_matches": held,
                },
            )
        if outcome.invitation_ids:
            enqueue_on_commit(SEND_TASK, outcome.invitation_ids)
    cursor.job = locked


def _screen_rows(organization: Organization, rows: list[Row]) -> int:
    """Screen each enrolled person (in the chunk's transaction); the count held."""
    enrolled = [row for row in rows if row.clean is not None]
    verdicts = screen_many(
        [
            ScreeningRequest(
                kind="roster",
                context="enrolment",
                name=f"{row.clean.given_name} {row.clean.family_name}",
                organization=organization,
                email=row.clean.email,
            )
            for row in enrolled
            if row.clean is not None
        ]
    )
    held = 0
    for index, row in enumerate(enrolled):
        verdict = verdicts[index] if verdicts is not None else None
        if verdict is None or not verdict.list_version:
            row.screening = "not_screened"
        elif verdict.held:
            row.screening = "potential_match"
            held += 1
        else:
            row.screening = "clear"
    return held


def _next_phase(cursor: _Cursor) -> bool:
    """Finish the job, or move a checked commit on to importing. True if there is more to do."""
    with transaction.atomic():
        locked = _locked_as_expected(cursor)
        if locked.phase == Phase.CHECK and locked.mode == EnrolmentJob.Mode.COMMIT:
            if locked.count_invalid:
                _finish_locked(
                    locked,
                    Status.REFUSED,
                    code="invalid_rows",
                    message=(
                        f"{locked.count_invalid} rows are invalid, so nothing was imported. "
                        "Fix them and upload the file again, or import the valid rows only."
                    ),
                )
                cursor.job = locked
                return False
            # The check passed: its results make way for the import's own.
            EnrolmentResultChunk.objects.filter(job=locked).delete()
            locked.phase = Phase.APPLY
            locked.checkpoint_line = 1
            locked.rows_done = locked.chunks_done = 0
            locked.count_new = locked.count_updated = 0
            locked.count_unchanged = locked.count_invalid = 0
            locked.heartbeat_at = timezone.now()
            locked.save()
            cursor.job = locked
            return True
        _finish_locked(locked, Status.SUCCEEDED)
        cursor.job = locked
    return False


def _finish(job: EnrolmentJob, status: str, *, code: str = "", message: str = "") -> None:
    with transaction.atomic():
        locked = _locked(job.pk)
        if locked is not None and locked.status in EnrolmentJob.ACTIVE_STATUSES:
            _finish_locked(locked, status, code=code, message=message)


def _finish_locked(job: EnrolmentJob, status: str, *, code: str = "", message: str = "") -> None:
    job.status = status
    job.error_code = code
    job.error_message = message[:500]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error_code", "error_message", "finished_at"])
    if status == Status.SUCCEEDED and job.phase == Phase.APPLY:
        # Imported: the results keep what the admin needs; the raw file (personal
        # data) is no longer needed by anything.
        EnrolmentUploadPart.objects.filter(upload=job.upload).delete()
        job.upload.purged_at = job.finished_at
        job.upload.save(update_fields=["purged_at"])
    audit_record(
        action=f"enrolment.{status}",
        actor=job.created_by,
        subject_type="enrolment_job",
        subject_id=job.public_id,
        organization_id=job.organization.public_id,
        data={
            "mode": job.mode,
            "new": job.count_new,
            "updated": job.count_updated,
            "unchanged": job.count_unchanged,
            "invalid": job.count_invalid,
            "error_code": code,
        },
    )
