"""Restricted-party lists as data: snapshots of each feed, their entries, and the
potential matches officers decide.

A snapshot is loaded whole under its own id while searches keep reading the
current one; ``ScreeningState`` names the current snapshot of every feed and
is flipped in one transaction (``screening.services.snapshots``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Feed(models.TextChoices):
    """Where a snapshot comes from. A newer snapshot of a feed replaces the older."""

    CSL = "csl", "Consolidated Screening List (trade.gov)"
    OFAC_SDN = "ofac-sdn", "OFAC Specially Designated Nationals (legacy CSV)"
    BIS_DPL = "bis-dpl", "BIS Denied Persons List"


class EntryKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    ENTITY = "entity", "Entity"
    VESSEL = "vessel", "Vessel"
    AIRCRAFT = "aircraft", "Aircraft"
    # Lists such as the Denied Persons List do not say.
    UNKNOWN = "unknown", "Not stated by the list"


class ListSnapshot(models.Model):
    class State(models.TextChoices):
        LOADING = "loading", "Loading"
        CURRENT = "current", "Current"
        PREVIOUS = "previous", "Previous (kept until the next import)"
        RETIRED = "retired", "Retired"
        FAILED = "failed", "Failed"

    feed = models.CharField(max_length=16, choices=Feed.choices)
    format = models.CharField(max_length=16)
    state = models.CharField(max_length=16, choices=State.choices, default=State.LOADING)
    sha256 = models.CharField(max_length=64)
    entry_count = models.PositiveIntegerField(default=0)
    alias_count = models.PositiveIntegerField(default=0)
    # A path or URL, for the record.
    origin = models.CharField(max_length=500, blank=True)
    forced = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["feed", "state"])]

    def __str__(self) -> str:
        return f"{self.feed} snapshot {self.pk} ({self.state})"

    @property
    def version(self) -> str:
        return f"{self.feed}#{self.pk}:{self.sha256[:12]}"


class ListEntry(models.Model):
    """One listed party as the list publishes it (names untouched; matching normalises)."""

    snapshot = models.ForeignKey(ListSnapshot, on_delete=models.CASCADE, related_name="entries")
    # Stable across snapshots of the same list: the entity number when the list has
    # one, else a digest of the source and primary name.
    key = models.CharField(max_length=200)
    # Digest of what matching reads (names, type, birth dates, countries): a
    # cleared match stays cleared only while this is unchanged.
    fingerprint = models.CharField(max_length=64)
    source_list = models.CharField(max_length=200)
    entity_number = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    name = models.TextField()
    aliases = models.JSONField(default=list)
    dates_of_birth = models.JSONField(default=list)
    nationalities = models.JSONField(default=list)
    citizenships = models.JSONField(default=list)
    address_countries = models.JSONField(default=list)
    programs = models.JSONField(default=list)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    list_url = models.CharField(max_length=500, blank=True)
    remarks = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["snapshot", "key"])]
        verbose_name_plural = "list entries"

    def __str__(self) -> str:
        return f"{self.name} ({self.source_list})"


class ScreeningState(models.Model):
    """The single row naming the current lists; its lock serialises snapshot flips."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    # The current snapshots' versions joined, or "" before any import.
    version = models.CharField(max_length=500, blank=True)
    # Raised on every flip; per-process indexes rebuild when it moves.
    generation = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.version or "no lists loaded"


class ScreeningMatch(models.Model):
    """A screened subject that scored above the threshold against a list entry."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an officer"
        CLEARED = "cleared", "Cleared as a false positive"
        CONFIRMED = "confirmed", "Confirmed: a restricted party"

    class SubjectKind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organisation"

    HOLDING = (Status.PENDING, Status.CONFIRMED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject_kind = models.CharField(max_length=16, choices=SubjectKind.choices)
    # "user:<uuid>", "organization:<uuid>" or "roster:<org uuid>:<email>".
    subject_ref = models.CharField(max_length=400)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screening_matches",
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screening_matches",
    )
    # What was screened (name, birth date, countries, type) and its digest.
    subject_data = models.JSONField(default=dict)
    subject_fingerprint = models.CharField(max_length=64)
    entry = models.ForeignKey(
        ListEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entry_key = models.CharField(max_length=200)
    entry_fingerprint = models.CharField(max_length=64)
    # A copy of the entry as it stood: snapshots are retired, decisions are kept.
    entry_data = models.JSONField(default=dict)
    matched_name = models.TextField()
    score = models.FloatField()
    features = models.JSONField(default=dict)
    list_version = models.CharField(max_length=500)
    context = models.CharField(max_length=40)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            # Screening the same data against the same entry again finds this row.
            models.UniqueConstraint(
                fields=["subject_ref", "entry_key", "subject_fingerprint", "entry_fingerprint"],
                name="screening_match_once_per_pair_and_data",
            ),
        ]
        indexes = [
            # The token path's lookup: does this person or organisation have a hold?
            models.Index(
                fields=["user"],
                condition=models.Q(status__in=["pending", "confirmed"]),
                name="screening_match_user_hold",
            ),
            models.Index(
                fields=["organization"],
                condition=models.Q(status__in=["pending", "confirmed"]),
                name="screening_match_org_hold",
            ),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject_ref} ~ {self.entry_key} ({self.status})"


class RescreenJob(models.Model):
    """Screening everyone again after a list changed, in batches, with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    list_version = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    potential_matches = models.PositiveIntegerField(default=0)
    # Resume points: the last person's and organisation's primary keys screened.
    user_cursor = models.BigIntegerField(default=0)
    organization_cursor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"re-screen {self.public_id} ({self.status}, {self.done}/{self.total})"
