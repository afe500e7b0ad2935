"""Bulk enrolment: the organisation's staff roster and the CSV jobs that fill it."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from accounts.models.core import Organization, User


class RosterEntry(models.Model):
    """One person on an organisation's staff list, keyed by lowercased email.

    A CSV upload upserts these; a new entry gets an invitation, and the entry
    is linked to the account once the person joins. ``sponsor`` records that
    the organisation wants to sponsor the person: a signing official still
    signs each sponsorship.
    """

    # No index of its own: the (organization, email) unique constraint leads with
    # it, and every index slows bulk enrolment's inserts.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="roster", db_index=False
    )
    email = models.EmailField()
    given_name = models.CharField(max_length=150)
    family_name = models.CharField(max_length=150)
    employee_id = models.CharField(max_length=64, blank=True)
    department = models.CharField(max_length=150, blank=True)
    sponsor = models.BooleanField(default=False)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="roster_entries"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"], name="accounts_roster_email_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} on {self.organization}'s roster"


class EnrolmentUpload(models.Model):
    """A CSV file as uploaded, stored encrypted in parts (it holds personal data).

    Kept in the database rather than on a disk so that any worker can read it,
    wherever it runs; deleted with its jobs after the retention period.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="enrolment_uploads"
    )
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    rows_total = models.PositiveIntegerField()
    # Column names from the header line, normalised, in file order.
    columns = models.JSONField(default=list)
    parts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When the stored file was deleted (after import, or at the end of retention).
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.filename} ({self.rows_total} rows)"


class EnrolmentUploadPart(models.Model):
    upload = models.ForeignKey(EnrolmentUpload, on_delete=models.CASCADE, related_name="+")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["upload", "index"], name="accounts_upload_part_unique")
        ]

    def __str__(self) -> str:
        return f"part {self.index} of upload {self.upload_id}"


class EnrolmentJob(models.Model):
    """One pass over an upload: a dry run, or a commit.

    The runner works in chunks of rows; each chunk's writes, its results and
    the job's checkpoint commit together, so a worker killed mid-job leaves
    the job at a chunk boundary and the next worker resumes from there.
    """

    class Mode(models.TextChoices):
        DRY_RUN = "dry_run", "Dry run"
        COMMIT = "commit", "Import"
        COMMIT_VALID_ONLY = "commit_valid_only", "Import valid rows only"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        REFUSED = "refused", "Refused: the file has invalid rows"
        FAILED = "failed", "Failed"

    class Phase(models.TextChoices):
        CHECK = "check", "Checking rows"
        APPLY = "apply", "Importing rows"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    FINISHED_STATUSES = (Status.SUCCEEDED, Status.REFUSED, Status.FAILED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="enrolment_jobs"
    )
    upload = models.ForeignKey(EnrolmentUpload, on_delete=models.CASCADE, related_name="jobs")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    source_job = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mode = models.CharField(max_length=20, choices=Mode.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.CHECK)
    # The last physical CSV line whose row is done in the current phase (1 = header).
    checkpoint_line = models.PositiveIntegerField(default=1)
    rows_done = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    count_new = models.PositiveIntegerField(default=0)
    count_updated = models.PositiveIntegerField(default=0)
    count_unchanged = models.PositiveIntegerField(default=0)
    count_invalid = models.PositiveIntegerField(default=0)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    # Times a worker took the job up since it last committed a chunk.
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(status__in=["queued", "running"]),
                name="accounts_one_running_enrolment_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} of {self.upload} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES


class EnrolmentResultChunk(models.Model):
    """The per-row outcome of one chunk: encrypted CSV rows and the chunk's errors."""

    job = models.ForeignKey(EnrolmentJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    first_line = models.PositiveIntegerField()
    last_line = models.PositiveIntegerField()
    data = models.BinaryField()
    errors = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="accounts_result_chunk_unique")
        ]

    def __str__(self) -> str:
        return f"chunk {self.index} of job {self.job_id}"
