"""People, organisations, memberships and personal access tokens."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.email_addresses import validate_not_formula


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an email address; known to other programs by ``public_id``.

    ``public_id`` is the opaque subject of entitlement tokens: it never reveals
    the email and stays the same if the email changes.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True, validators=[validate_not_formula])
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organization(models.Model):
    """A legal entity. The operator organisation runs this service; customers sponsor staff."""

    class Kind(models.TextChoices):
        OPERATOR = "operator", "Operator (runs this service)"
        CUSTOMER = "customer", "Customer"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending verification"
        VERIFIED = "verified", "Verified"
        SUSPENDED = "suspended", "Suspended"
        # Closed registrations: they release their EIN for a genuine registrant.
        REJECTED = "rejected", "Rejected by a compliance officer"
        EXPIRED = "expired", "Expired (not verified in time)"

    # Statuses whose organisation holds its EIN (a registration with the same EIN
    # is then a conflict for an officer to settle).
    EIN_HOLDING_STATUSES = (Status.PENDING, Status.VERIFIED, Status.SUSPENDED)
    CLOSED_STATUSES = (Status.REJECTED, Status.EXPIRED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CUSTOMER)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # Registration details. Blank on organisations made before registration
    # existed (the operator, demo data); the registration service requires them.
    country_of_incorporation = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2"
    )
    state_of_incorporation = models.CharField(
        max_length=6, blank=True, help_text="ISO 3166-2 code, e.g. US-DE"
    )
    ein = models.CharField(
        "EIN", max_length=10, blank=True, help_text="Employer Identification Number, NN-NNNNNNN"
    )
    uei = models.CharField("SAM.gov UEI", max_length=12, blank=True)
    website_domain = models.CharField(max_length=253, blank=True)
    domain_verified_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations_registered",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # Why the status last changed (the audit log keeps the whole history).
    status_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            # One operator: compliance officers' global scope hangs on it.
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="operator"),
                name="accounts_single_operator_organization",
            ),
            # One verified organisation per employer. Pending registrations may share
            # an EIN: a second one is a conflict a compliance officer settles (one of
            # them is a mistake, or someone claiming a company that is not theirs).
            models.UniqueConstraint(
                fields=["ein"],
                condition=~models.Q(ein="") & models.Q(status__in=["verified", "suspended"]),
                name="accounts_organization_ein_verified_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["ein"], condition=~models.Q(ein=""), name="accounts_organization_ein"
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def is_closed(self) -> bool:
        """A rejected or expired registration: it can do nothing more."""
        return self.status in self.CLOSED_STATUSES


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        ORG_ADMIN = "org_admin", "Organisation admin"
        SIGNING_OFFICIAL = "signing_official", "Signing official"
        COMPLIANCE_OFFICER = "compliance_officer", "Compliance officer"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="accounts_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"


class ApiKey(models.Model):
    """A personal access token. Only its SHA-256 digest is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    # The first characters of the key, so a person can tell their keys apart.
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Sponsorship(models.Model):
    """An organisation's signed statement that a member is a U.S. person per its records.

    A second route to verification level L2 (the first is a checked document).
    It counts only while the organisation is verified, the period has not
    ended and nobody revoked it.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Revoked"
        SUSPENDED = "suspended", "Suspended with the organisation"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sponsorships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="sponsorships"
    )
    sponsored_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="sponsorships_given"
    )
    basis = models.CharField(
        max_length=300,
        help_text='What the organisation relies on, e.g. "I-9 on file, U.S. citizen".',
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=models.Q(status="active"),
                name="accounts_one_active_sponsorship_per_org",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("starts_at")),
                name="accounts_sponsorship_period_positive",
            ),
            # Nobody vouches for themselves (accounts.separation); the database
            # holds the line whatever path a row takes.
            models.CheckConstraint(
                condition=models.Q(status="revoked") | ~models.Q(sponsored_by=models.F("user")),
                name="accounts_sponsorship_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} sponsors {self.user} ({self.status})"
