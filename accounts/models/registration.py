"""What an organisation's registration leaves on the record: its signed
declaration and the proof that it controls its website's domain."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from accounts.models.core import Organization, User


class OrganizationDeclaration(models.Model):
    """The registering admin's signature under the organisation's declaration.

    The exact text is kept with its version and SHA-256, so the record shows
    what was signed even after the wording changes.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="declarations"
    )
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signature_name = models.CharField(max_length=200)
    version = models.CharField(max_length=32)
    sha256 = models.CharField(max_length=64)
    text = models.TextField()
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.organization} declaration {self.version} by {self.signature_name}"


class DomainChallenge(models.Model):
    """A DNS TXT record the organisation must publish to show it controls its domain.

    The token is not a secret (it is published in public DNS); it only has to
    be unguessable before it is handed out, and short-lived.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="domain_challenges"
    )
    domain = models.CharField(max_length=253)
    token = models.CharField(max_length=64)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"TXT challenge for {self.domain}"

    @property
    def record_name(self) -> str:
        return f"_idverify-challenge.{self.domain}"

    @property
    def record_value(self) -> str:
        return f"idverify-domain-verification={self.token}"
