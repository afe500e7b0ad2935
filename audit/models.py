"""The append-only audit log.

Each event carries the SHA-256 of its canonical content (its id included) and
an HMAC of that hash under the audit key, which the database never holds: a
row written or rewritten with SQL alone has no valid MAC. Events are not
chained one to the next at write time (that would make every writer queue
behind the previous row); instead a sealer, every few seconds, checks the
unsealed events' MACs and gathers them into an ``AuditSeal``: their Merkle
root, the previous seal's hash, and an Ed25519 signature over the resulting
tree head, as transparency logs do. Editing an event breaks its content hash;
deleting one breaks its seal's root; rewriting a seal breaks its signature;
removing the newest seals shows against a signed head kept elsewhere.

Events and seals from before signing (scheme 1, see ``audit.hashing``) form a
legacy prefix: no MAC, unsigned seals, protected by the first signed seal,
which signs the hash they chain to.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AuditSeal(models.Model):
    # audit.hashing.LEGACY (hashed only) or SIGNED.
    version = models.PositiveSmallIntegerField()
    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    event_count = models.PositiveIntegerField()
    first_event_id = models.BigIntegerField()
    last_event_id = models.BigIntegerField()
    merkle_root = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    seal_hash = models.CharField(max_length=64, unique=True)
    # Events covered by this seal and every one before it (rejected ones not counted).
    tree_size = models.PositiveBigIntegerField(default=0)
    # Unsealed events the sealer found without a valid MAC: left out of the tree, named here.
    rejected_event_ids = models.JSONField(default=list, blank=True)
    # The audit key's RFC 7638 thumbprint and its Ed25519 signature over the tree head.
    key_id = models.CharField(max_length=43, blank=True)
    signature = models.CharField(max_length=86, blank=True)

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
    # HMAC-SHA256 of content_hash under the audit key named by key_id (empty: legacy event).
    mac = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=43, blank=True)
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
