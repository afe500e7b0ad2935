"""Invitations to join an organisation, sent by email."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models
from django.utils import timezone

from accounts.models.core import Membership, Organization, User


class Invitation(models.Model):
    """One person invited to one organisation, by email.

    Only the SHA-256 of the link's token is stored. ``generation`` counts
    sends that need a new token (the first send and every resend); the token
    is derived from the invitation and its generation, so the email task can
    rebuild it without it ever being stored. ``emailed_generation`` is the
    generation whose email went out: a task that finds them equal sends nothing,
    which is what makes a retried or duplicated task harmless.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=32, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    # Not indexed: nothing looks invitations up by who sent or accepted them, and
    # every index slows bulk enrolment's inserts.
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    token_digest = models.CharField(max_length=64, unique=True)
    generation = models.PositiveIntegerField(default=1)
    claimed_generation = models.PositiveIntegerField(default=0)
    emailed_generation = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # At most one open invitation per person and organisation: inviting
            # again resends it instead of piling up links.
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="accounts_one_open_invitation",
            ),
        ]
        # No index on the send state: the five-minutely sweep for unclaimed sends
        # can afford a scan; every bulk enrolment insert would pay for an index.

    def __str__(self) -> str:
        return f"{self.email} invited to {self.organization}"

    def state_at(self, now: datetime | None = None) -> str:
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def state(self) -> str:
        return self.state_at()
