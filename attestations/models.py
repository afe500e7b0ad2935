"""U.S.-person attestations, the declarations they sign, and the identity documents
that evidence them.

A document's image is short-lived (encrypted at rest, deleted after review or
after the retention period); its check results stay with the record.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from idverify_verifier import claims as token_claims


class UsPersonStatus(models.TextChoices):
    US_CITIZEN = "us_citizen", "U.S. citizen"
    US_NATIONAL = "us_national", "U.S. national (non-citizen)"
    LAWFUL_PERMANENT_RESIDENT = "lawful_permanent_resident", "Lawful permanent resident"
    REFUGEE = "refugee", "Refugee admitted under INA section 207"
    ASYLEE = "asylee", "Asylee granted asylum under INA section 208"
    NOT_US_PERSON = "not_us_person", "None of these"


# Which statuses make a U.S. person is the verifier's list (what model APIs act
# on), never a second copy: a status it names that the service lacks fails here,
# at import, and tests hold UsPersonStatus equal to its ATTESTED_STATUSES.
US_PERSON_STATUSES = frozenset(UsPersonStatus(status) for status in token_claims.US_PERSON_STATUSES)


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


class Declaration(models.Model):
    """A version of the legal declaration a person signs; never edited once published.

    The SHA-256 of the exact text is stored beside it and copied onto every
    attestation, so the words a person agreed to can be proven later.
    """

    version = models.CharField(max_length=32, unique=True)
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"declaration {self.version}"


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
    signed_from_ip = models.GenericIPAddressField(null=True, blank=True)
    # What the location signals and the places policy said at signing (audit record).
    geo_signal = models.ForeignKey(
        "geo.GeoSignal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Codes of the location signals that were not clean at signing (e.g. geo.anonymizer).
    geo_reasons = models.JSONField(default=list, blank=True)
    # A compliance officer who approved a document of this person settled the flag.
    geo_cleared_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    # attestations.identity.identity_fingerprint of the names and birth date above:
    # documents count only for the identity they were checked against.
    identity_fingerprint = models.CharField(max_length=64, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="active"),
                name="attestations_one_active_per_user",
            ),
            # An unbound document's fingerprint is "": it must never equal one.
            models.CheckConstraint(
                condition=~models.Q(identity_fingerprint=""),
                name="attestations_identity_fingerprint_set",
            ),
        ]
        indexes = [models.Index(fields=["user", "state"])]

    def __str__(self) -> str:
        return f"{self.user} attests {self.status} ({self.state})"


class ReviewReason(models.TextChoices):
    """Why a document waits for a compliance officer."""

    NO_MRZ = "no_mrz", "The document has no machine-readable zone"
    CHECKS_FAILED = "checks_failed", "Some automated checks failed"
    STATUS_MISMATCH = "status_mismatch", "The document does not evidence the attested status"
    GEO_FLAGGED = "geo_flagged", "Location signals were not clean when the attestation was signed"
    REPEATED_FAILURES = "repeated_failures", "The machine-readable lines failed several times"
    NAME_UNCONFIRMED = "name_unconfirmed", "The person did not confirm the name on the document"
    PDF_UNREADABLE = "pdf_unreadable", "The PDF could not be turned into an image to read"
    MRZ_TYPED = (
        "mrz_typed",
        "The machine-readable lines were typed, not read from an image of the document",
    )
    IMAGE_UNUSABLE = (
        "image_unusable",
        "The image is not a usable photo of the whole document (size, focus, glare or framing)",
    )
    PORTRAIT_MISSING = "portrait_missing", "No portrait was found on the document"
    PRINTED_MISMATCH = (
        "printed_mismatch",
        "The printed data on the document does not agree with its machine-readable lines",
    )
    VENDOR_IDENTITY_MISMATCH = (
        "vendor_identity_mismatch",
        "A vendor verified the document; its name or birth date differs from the attestation",
    )
    RULES_CHANGED = (
        "rules_changed",
        (
            "The document-type mapping changed after the document passed: under the new one "
            "it does not show the attested status by itself"
        ),
    )


class DocumentDecisionReason(models.TextChoices):
    """Why a document was approved or rejected (``Document.decision_reason``): a compliance
    officer's choice (plus free text), or the automated check that refused it."""

    GENUINE_AND_MATCHING = "genuine_and_matching", "Approve: genuine and matches the attestation"
    NAME_DIFFERENCE_EXPLAINED = (
        "name_difference_explained",
        "Approve: the name difference is explained (transliteration, marriage)",
    )
    LOCATION_EXPLAINED = "location_explained", "Approve: the location flag is explained"
    UNREADABLE = "unreadable", "Reject: the document cannot be read"
    WRONG_DOCUMENT = "wrong_document", "Reject: it does not evidence the attested status"
    NAME_OR_BIRTH_DATE_MISMATCH = (
        "name_or_birth_date_mismatch",
        "Reject: the name or date of birth does not match",
    )
    EXPIRED = "expired", "Reject: the document has expired"
    SUSPECTED_ALTERATION = "suspected_alteration", "Reject: the document appears altered"
    OTHER = "other", "Other (explain in the note)"


APPROVAL_REASONS = frozenset(
    {
        DocumentDecisionReason.GENUINE_AND_MATCHING,
        DocumentDecisionReason.NAME_DIFFERENCE_EXPLAINED,
        DocumentDecisionReason.LOCATION_EXPLAINED,
        DocumentDecisionReason.OTHER,
    }
)
REJECTION_REASONS = frozenset(set(DocumentDecisionReason) - APPROVAL_REASONS) | {
    DocumentDecisionReason.OTHER
}


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
    # The identity (names, birth date) of the attestation the document passed its
    # checks against, or an officer approved it for: it counts only for an
    # attestation with this fingerprint. Empty: bound to none, so it counts for
    # none (an attestation's fingerprint is never empty).
    identity_fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)
    document_expires_on = models.DateField(null=True, blank=True)
    checks = models.JSONField(default=list, help_text="Named checks: name, passed, message")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    # The uploaded file, AES-GCM encrypted under a random name in MEDIA_ROOT.
    file_name = models.CharField(max_length=80, blank=True)
    file_type = models.CharField(max_length=40, blank=True, help_text="Sniffed from the content")
    file_size = models.PositiveIntegerField(null=True, blank=True)
    retain_image_until = models.DateTimeField(null=True, blank=True)
    image_deleted_at = models.DateTimeField(null=True, blank=True)
    image_deleted_reason = models.CharField(max_length=40, blank=True)
    # The machine-readable lines (typed or read), encrypted: they name the person.
    mrz_sealed = models.BinaryField(null=True, blank=True)
    mrz_source = models.CharField(max_length=16, blank=True, help_text="typed or ocr")
    # What OCR read when it could not settle, encrypted; offered to the person to correct.
    ocr_prefill_sealed = models.BinaryField(null=True, blank=True)
    ocr_model = models.CharField(max_length=40, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    review_reasons = models.JSONField(default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents_reviewed",
    )
    decision_reason = models.CharField(
        max_length=40, choices=DocumentDecisionReason.choices, blank=True
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} of {self.user} ({self.status})"

    @property
    def has_image(self) -> bool:
        return bool(self.file_name) and self.image_deleted_at is None


class VendorVerification(models.Model):
    """A verification an identity-verification vendor ran for a person (attestations.vendors).

    Created when the person starts it; settled from what the vendor's API says
    about the session (fetched by its id, never read from a webhook body or the
    browser). Only the outcome is kept: no name, birth date or document number,
    just the identity fingerprint it was found to match.
    """

    class Outcome(models.TextChoices):
        STARTED = "started", "Started: waiting for you to finish at the vendor"
        PROCESSING = "processing", "Processing: the vendor is checking your document and selfie"
        REQUIRES_INPUT = "requires_input", "Not verified: the vendor asks you to try again"
        CANCELED = "canceled", "Canceled"
        ACCEPTED = "accepted", "Verified and accepted as evidence"
        NOT_EVIDENCE = "not_evidence", "Verified, but the document does not evidence your status"
        NEEDS_REVIEW = "needs_review", "Verified, waiting for a compliance officer"

    SETTLED = frozenset({Outcome.ACCEPTED, Outcome.NOT_EVIDENCE, Outcome.NEEDS_REVIEW})

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vendor_verifications"
    )
    # The attestation current when the result was settled (or at the start).
    attestation = models.ForeignKey(
        Attestation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    vendor = models.CharField(max_length=40, help_text="attestations.vendors provider name")
    session_id = models.CharField(max_length=255)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.STARTED)
    # The vendor's own status of the session as last fetched (e.g. verified).
    vendor_status = models.CharField(max_length=32, blank=True)
    # What the vendor verified (its vocabulary): e.g. passport, US.
    document_kind = models.CharField(max_length=40, blank=True)
    issuing_country = models.CharField(max_length=2, blank=True)
    document_expires_on = models.DateField(null=True, blank=True)
    selfie_verified = models.BooleanField(default=False)
    supports_status = models.CharField(
        max_length=32, choices=UsPersonStatus.choices, blank=True, default=""
    )
    # As Document.identity_fingerprint: the attested identity the verified outputs
    # matched; empty when they matched none.
    identity_fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Named reasons (code, message) the result was not accepted, for people and officers.
    reasons = models.JSONField(default=list, blank=True)
    # A mismatch goes to a compliance officer as a document in the review queue.
    review_document = models.OneToOneField(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vendor_verification",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "session_id"], name="attestations_vendor_session_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "outcome"])]

    def __str__(self) -> str:
        return f"{self.vendor} verification of {self.user} ({self.outcome})"


class VendorEvent(models.Model):
    """A vendor webhook event already processed: a replay of its id changes nothing."""

    vendor = models.CharField(max_length=40)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=80)
    session_id = models.CharField(max_length=255, blank=True)
    # What processing did: applied, unchanged, unknown_session, another_person, ignored.
    result = models.CharField(max_length=32)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "event_id"], name="attestations_vendor_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor} event {self.event_id} ({self.result})"
