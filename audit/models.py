"""The append-only audit log.

Each event carries the SHA-256 of its own canonical content. Events are not
chained one to the next at write time (that would make every writer queue
behind the previous row); instead a sealer periodically gathers the unsealed
events into an ``AuditSeal`` holding their Merkle root and the hash of the
previous seal, as transparency logs do. Editing an event breaks its content
hash; deleting one breaks its seal's root; rewriting a seal breaks the chain.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AuditSeal(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    event_count = models.PositiveIntegerField()
    first_event_id = models.BigIntegerField()
    last_event_id = models.BigIntegerField()
    merkle_root = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    seal_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"seal #{self.seq} ({self.event_count} events)"


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    # Who acted: "user:<uuid>", "client:<id>" or "system". Not a foreign key:
    # the record must outlive the account it names (five-year retention).
    actor = models.CharField(max_length=80)
    actor_label = models.CharField(max_length=254, blank=True)
    subject_type = models.CharField(max_length=40, blank=True)
    subject_id = models.CharField(max_length=80, blank=True, db_index=True)
    organization_id = models.UUIDField(null=True, blank=True, db_index=True)
    request_id = models.CharField(max_length=128, blank=True)
    data = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    seal = models.ForeignKey(
        AuditSeal, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(seal__isnull=True), name="audit_event_unsealed"
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M:%S}"
        return f"{when} {self.action} {self.subject_type}:{self.subject_id}"
