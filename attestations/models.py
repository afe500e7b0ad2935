"""U.S.-person attestations and the identity documents that evidence them.

Core fields only; the onboarding flow adds what it records on top.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class UsPersonStatus(models.TextChoices):
    US_CITIZEN = "us_citizen", "U.S. citizen"
    US_NATIONAL = "us_national", "U.S. national (non-citizen)"
    LAWFUL_PERMANENT_RESIDENT = "lawful_permanent_resident", "Lawful permanent resident"
    REFUGEE = "refugee", "Refugee admitted under INA section 207"
    ASYLEE = "asylee", "Asylee granted asylum under INA section 208"
    NOT_US_PERSON = "not_us_person", "None of these"


US_PERSON_STATUSES = frozenset(
    {
        UsPersonStatus.US_CITIZEN,
        UsPersonStatus.US_NATIONAL,
        UsPersonStatus.LAWFUL_PERMANENT_RESIDENT,
        UsPersonStatus.REFUGEE,
        UsPersonStatus.ASYLEE,
    }
)


class DocumentType(models.TextChoices):
    US_PASSPORT = "us_passport", "U.S. passport"
    US_PASSPORT_CARD = "us_passport_card", "U.S. passport card"
    PERMANENT_RESIDENT_CARD = "permanent_resident_card", "Permanent Resident Card (I-551)"
    CERTIFICATE_OF_NATURALIZATION = "certificate_of_naturalization", "Certificate of Naturalization"
    CERTIFICATE_OF_CITIZENSHIP = "certificate_of_citizenship", "Certificate of Citizenship"
    CONSULAR_REPORT_OF_BIRTH_ABROAD = (
        "consular_report_of_birth_abroad",
        "Consular Report of Birth Abroad (FS-240)",
    )
    BIRTH_CERTIFICATE = "birth_certificate", "U.S. birth certificate"
    REFUGEE_TRAVEL_DOCUMENT = "refugee_travel_document", "Refugee Travel Document (I-571)"
    I94 = "i94", "Arrival/Departure Record (I-94)"
    OTHER = "other", "Other document"


class Attestation(models.Model):
    """A person's signed statement of their U.S.-person status (or that they are not one)."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        SUPERSEDED = "superseded", "Superseded by a newer attestation"
        REVOKED = "revoked", "Revoked"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attestations"
    )
    status = models.CharField(max_length=32, choices=UsPersonStatus.choices)
    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    country_of_birth = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    citizenships = models.JSONField(default=list, help_text="ISO 3166-1 alpha-2 codes, all of them")
    signature_name = models.CharField(max_length=400)
    perjury_acknowledged = models.BooleanField()
    declaration_version = models.CharField(max_length=32)
    declaration_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # False when location signals at signing were not clean (embargoed place,
    # anonymiser, unknown): the attestation is kept but gives no level until reviewed.
    geo_clean = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="active"),
                name="attestations_one_active_per_user",
            ),
        ]
        indexes = [models.Index(fields=["user", "state"])]

    def __str__(self) -> str:
        return f"{self.user} attests {self.status} ({self.state})"


class Document(models.Model):
    """An identity document submitted as evidence; its image is short-lived, its checks stay."""

    class Status(models.TextChoices):
        PROCESSING = "processing", "Being read"
        NEEDS_INPUT = "needs_input", "Needs the machine-readable lines typed in"
        PASSED = "passed", "Passed the automated checks"
        NEEDS_REVIEW = "needs_review", "Waiting for a compliance officer"
        APPROVED = "approved", "Approved by a compliance officer"
        REJECTED = "rejected", "Rejected"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents"
    )
    attestation = models.ForeignKey(
        Attestation, on_delete=models.PROTECT, related_name="documents", null=True, blank=True
    )
    document_type = models.CharField(max_length=40, choices=DocumentType.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROCESSING)
    # The attested status this document was found (or approved) to support, if any.
    supports_status = models.CharField(
        max_length=32, choices=UsPersonStatus.choices, blank=True, default=""
    )
    document_expires_on = models.DateField(null=True, blank=True)
    checks = models.JSONField(default=list, help_text="Named checks: name, passed, message")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} of {self.user} ({self.status})"
