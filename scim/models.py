"""What an organisation's identity provider has told us, per organisation.

A SCIM record (``ScimUser``) is the organisation's view of one person: the
profile fields its IdP sends are kept here, scoped to the organisation, and
never copied onto the shared ``accounts.User`` (one person may belong to
several organisations, and their sign-in address and checked identity are
theirs, not any one IdP's). What the record does to the person's standing, a
membership and possibly a sponsorship in this organisation only, is the
services' business.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from accounts.models import Organization, Sponsorship, User


class ScimToken(models.Model):
    """A bearer token an organisation's IdP presents. Only its SHA-256 digest is stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=24)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def audit_actor(self) -> str:
        """How the audit log names this token when it acts."""
        return f"scim:{self.public_id}"


class ScimGroup(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scim_groups"
    )
    display_name = models.CharField(max_length=256)
    external_id = models.CharField(max_length=256, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "display_name"])]

    def __str__(self) -> str:
        return self.display_name


class ScimUser(models.Model):
    """One person as one organisation's IdP describes them.

    ``user`` is empty while the person has not yet joined through the
    invitation SCIM sent them (an address outside the organisation's proven
    domain: the person consents before an organisation sees them).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scim_users"
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="scim_records"
    )
    # The address the account was matched or invited by (lowercased); blank when the IdP
    # sent none, and then the record gives nobody any standing.
    email = models.EmailField(blank=True)
    user_name = models.CharField(max_length=256)
    # userName compared case-insensitively (RFC 7643 caseExact false): unique per organisation.
    user_name_key = models.CharField(max_length=256)
    external_id = models.CharField(max_length=256, blank=True)
    display_name = models.CharField(max_length=256, blank=True)
    formatted_name = models.CharField(max_length=256, blank=True)
    given_name = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    emails = models.JSONField(default=list, blank=True)
    # The addresses and their types lowercased, for filters (emails are not case-exact).
    emails_index = models.JSONField(default=list, blank=True)
    emails_text = models.TextField(blank=True)  # the lowercased addresses, one a line
    employee_number = models.CharField(max_length=64, blank=True)
    department = models.CharField(max_length=150, blank=True)
    # None: the IdP has not said (or removed the attribute); counts as active.
    active = models.BooleanField(null=True, default=True)
    # The sponsorship SCIM gave through the mapped group (a signing official's own is not here).
    sponsorship = models.ForeignKey(
        Sponsorship, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The token that provisioned the record acts for it when the person joins later.
    provisioned_by = models.ForeignKey(
        ScimToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    groups: models.ManyToManyField[ScimGroup, ScimGroupMember] = models.ManyToManyField(
        ScimGroup, through="ScimGroupMember", related_name="members", blank=True
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user_name_key"], name="scim_user_name_unique_per_org"
            ),
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(user__isnull=False),
                name="scim_user_one_record_per_person_per_org",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "external_id"]),
            models.Index(fields=["organization", "email"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_name} in {self.organization_id}"


class ScimGroupMember(models.Model):
    group = models.ForeignKey(ScimGroup, on_delete=models.CASCADE, related_name="+")
    scim_user = models.ForeignKey(ScimUser, on_delete=models.CASCADE, related_name="+")
    # The label the IdP gave the member in this group (SCIM "display").
    display = models.CharField(max_length=256, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "scim_user"], name="scim_group_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.scim_user_id} in {self.group_id}"


class ScimSettings(models.Model):
    """An organisation's provisioning choices: which IdP group means "sponsor".

    A signing official picks the group and states the basis; sponsorships SCIM
    gives record that official as the one who vouches (``configured_by``) and
    the token as the actor.
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="scim_settings"
    )
    sponsor_group = models.ForeignKey(
        ScimGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sponsor_basis = models.CharField(max_length=300, blank=True)
    configured_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    configured_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"SCIM settings of {self.organization_id}"
