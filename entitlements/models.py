"""Model tiers, signing keys, issued tokens, decisions, revocations and model API clients."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

# A tier slug is the ``aud`` of its tokens and a key in the revocation document:
# plain lowercase ASCII, so every verifier in any language compares it byte for byte.
TIER_SLUG_RE = r"^[a-z0-9](?:[a-z0-9.-]{0,62}[a-z0-9])?$"


class DirectiveState(models.TextChoices):
    OPEN = "open", "Open (tier requirements apply)"
    US_PERSONS_ONLY = "us_persons_only", "U.S. persons only"
    SUSPENDED = "suspended", "Suspended"


class Assurance(models.TextChoices):
    """Identity assurance levels (attestations.evidence computes a person's)."""

    NONE = "none", "No minimum"
    IAL1 = "ial1", "IAL1: validated evidence (a document read from its image, or sponsorship)"
    IAL2 = "ial2", "IAL2-equivalent: a document a compliance officer reviewed"


class ModelTier(models.Model):
    """An export-controlled model (or family) and what a person needs to use it.

    ``epoch`` grows by one with every directive change; a token carries the
    epoch it was issued under, and verifiers reject tokens from an older one.
    """

    slug = models.CharField(
        max_length=64,
        unique=True,
        validators=[RegexValidator(TIER_SLUG_RE, "Use lowercase letters, digits, '.' and '-'.")],
        help_text="The token audience, e.g. fable-5. Never change it once tokens exist.",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    min_level = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    us_person_required = models.BooleanField(default=True)
    sponsorship_required = models.BooleanField(default=False)
    min_assurance = models.CharField(
        max_length=8,
        choices=Assurance.choices,
        default=Assurance.NONE,
        help_text="The identity assurance the evidence must reach (attestations.evidence).",
    )
    anonymizers_allowed = models.BooleanField(default=False)
    block_embargoed_places = models.BooleanField(
        default=True, help_text="Refuse requests from the embargoed places the geo app lists."
    )
    blocked_places = models.JSONField(
        default=list,
        blank=True,
        help_text='Extra ISO 3166 codes to refuse, countries or regions, e.g. ["RU", "UA-43"].',
    )
    directive_state = models.CharField(
        max_length=20, choices=DirectiveState.choices, default=DirectiveState.OPEN
    )
    directive_reason = models.CharField(max_length=500, blank=True)
    directive_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    directive_set_at = models.DateTimeField(null=True, blank=True)
    epoch = models.PositiveIntegerField(default=0)
    # When a requirement that decides who may hold a token last changed: the periodic
    # re-check looks again at tokens issued around then (entitlements.services.rechecks).
    requirements_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_level__gte=1, min_level__lte=3),
                name="entitlements_tier_min_level_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class SigningKey(models.Model):
    """An Ed25519 key pair. The private half is sealed under the key-encryption key.

    Life: ``next`` (published, not yet signing) -> ``active`` (signs) ->
    ``retiring`` (published so its tokens still verify) -> ``retired`` (gone
    from the JWKS; its private half is erased).
    """

    class State(models.TextChoices):
        NEXT = "next", "Next"
        ACTIVE = "active", "Active"
        RETIRING = "retiring", "Retiring"
        RETIRED = "retired", "Retired"

    kid = models.CharField(max_length=64, unique=True)
    public_key = models.CharField(max_length=64, help_text="The raw public key, base64url.")
    private_key_encrypted = models.BinaryField(editable=False)
    state = models.CharField(max_length=10, choices=State.choices)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    retiring_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="active"),
                name="entitlements_one_active_signing_key",
            ),
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="next"),
                name="entitlements_one_next_signing_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({self.state})"


class IssuedToken(models.Model):
    """The record of one token: introspection, revocation and the audit trail read it."""

    jti = models.UUIDField(unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="entitlement_tokens"
    )
    tier = models.ForeignKey(ModelTier, on_delete=models.PROTECT, related_name="tokens")
    kid = models.CharField(max_length=64)
    epoch = models.PositiveIntegerField()
    organization_id = models.UUIDField(null=True, blank=True)
    cnf_jkt = models.CharField(max_length=64, blank=True)
    # The token's ``ial`` claim ("" for tokens issued before it was recorded): a
    # re-check revokes a token that says more than the person's evidence now does.
    ial = models.CharField(max_length=8, blank=True, default="")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # "token" when revoked by its jti (listed in the revocation document), "user"
    # when it died with a cutoff for its holder (covered by the user's entry).
    revoked_via = models.CharField(max_length=8, blank=True)
    revoked_reason = models.CharField(max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["user", "expires_at"]),
            models.Index(
                fields=["expires_at"],
                condition=models.Q(revoked_via="token"),
                name="entitlements_token_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jti} for {self.tier_id}"


class DecisionRecord(models.Model):
    """One answer of ``policy.decide``, allowed or not, kept for the console and audits."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="entitlement_decisions"
    )
    tier = models.ForeignKey(ModelTier, on_delete=models.PROTECT, related_name="decisions")
    allowed = models.BooleanField()
    reasons = models.JSONField(default=list, help_text="[{code, message}]")
    level = models.PositiveSmallIntegerField(default=0)
    geo_signal = models.ForeignKey(
        "geo.GeoSignal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token = models.OneToOneField(
        IssuedToken, null=True, blank=True, on_delete=models.PROTECT, related_name="decision"
    )
    decided_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-decided_at"])]

    def __str__(self) -> str:
        return f"{'allowed' if self.allowed else 'denied'} {self.user_id} {self.tier_id}"


class DecisionReason(models.Model):
    """One reason of a denial, a row each, so the console can count them by code."""

    decision = models.ForeignKey(DecisionRecord, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=64)
    decided_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.code


class UserRevocation(models.Model):
    """Every token of ``user`` issued at or before ``cutoff_at`` is void.

    ``blocks_issuance`` also refuses new tokens until an officer lifts it (a
    compliance officer revoking a person); a sponsorship ending only voids the
    tokens that carried the old evidence.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="entitlement_revocations"
    )
    cutoff_at = models.DateTimeField()
    blocks_issuance = models.BooleanField(default=False)
    reason = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Written by ``users_tokens_void`` without taking the document lock: the next
    # read of the revocation document (a verifier's poll) or the heartbeat
    # publishes it, many at once, and clears this.
    awaiting_publication = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["user", "cutoff_at"]),
            models.Index(
                fields=["awaiting_publication"],
                condition=models.Q(awaiting_publication=True),
                name="entitlements_rev_unpublished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} cut off at {self.cutoff_at:%Y-%m-%d %H:%M:%S}"


class RevocationState(models.Model):
    """The one row behind ``GET /api/v1/revocations``: its serial and its content.

    Only revocation and directive services and the heartbeat write it, under a
    row lock; token issuance never touches it. The content for a serial, its
    signing time and its expiry included, is fixed when the serial is produced,
    so every web process signs byte-identical documents.
    """

    serial = models.PositiveBigIntegerField()
    produced_at = models.DateTimeField()  # the document's iat
    expires_at = models.DateTimeField()  # the document's exp
    tiers = models.JSONField(default=dict)
    users = models.JSONField(default=dict)
    jtis = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1), name="entitlements_one_revocation_state"
            ),
        ]

    def __str__(self) -> str:
        return f"revocations serial {self.serial}"


class RecheckState(models.Model):
    """The one row the periodic re-check keeps: which document-type mapping it last applied.

    When the mapping in force (``attestations.document_rules``) has another digest,
    documents passed under the old one are checked against the new one first.
    """

    document_rules_digest = models.CharField(max_length=64, blank=True)
    swept_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="entitlements_one_recheck_state"),
        ]

    def __str__(self) -> str:
        return f"re-check state (rules {self.document_rules_digest[:12] or 'none'})"


class ModelClient(models.Model):
    """A model API allowed to introspect the tokens of one tier. The secret is stored hashed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    client_id = models.CharField(max_length=40, unique=True)
    secret_digest = models.CharField(max_length=64)
    tier = models.ForeignKey(ModelTier, on_delete=models.PROTECT, related_name="clients")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"
