"""Embargoed places (policy as data) and the geo signals recorded per decision."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from geo.location_signals import SIGNAL_NOT_PROOF
from geo.places import PLACE_CODE_PATTERN, PlaceRule


class EmbargoedPlace(models.Model):
    """A country or region access from which is blocked, and why.

    Kept as data so an operator can correct a listing, or follow a change of
    regime (Syria, 2025), without a release.
    """

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country (ISO 3166-1 alpha-2)"
        REGION = "region", "Region (ISO 3166-2)"

    code = models.CharField(
        max_length=6,
        unique=True,
        validators=[
            RegexValidator(
                f"^{PLACE_CODE_PATTERN}$",
                "Use an ISO 3166-1 alpha-2 code (CU) or an ISO 3166-2 code (UA-43).",
            )
        ],
        help_text="ISO 3166-1 alpha-2 (CU) or ISO 3166-2 (UA-43), upper case.",
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    regime = models.CharField(
        max_length=300,
        help_text="The rules behind the listing, e.g. the OFAC program and EAR part.",
    )
    source_url = models.URLField(blank=True, max_length=500)
    as_of = models.DateField(help_text="When this listing was last checked against its source.")
    note = models.TextField(
        blank=True, help_text="A caveat recorded with every match (shown to reviewers)."
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="geo_embargoedplace_kind_matches_code",
                condition=(
                    models.Q(kind="region", code__contains="-")
                    | (models.Q(kind="country") & ~models.Q(code__contains="-"))
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        expected = self.Kind.REGION if "-" in self.code else self.Kind.COUNTRY
        if self.kind and self.kind != expected:
            raise ValidationError({"kind": f"{self.code} is a {expected.label.lower()} code."})

    def to_rule(self) -> PlaceRule:
        return PlaceRule(
            code=self.code,
            name=self.name,
            regime=self.regime,
            source_url=self.source_url,
            as_of=self.as_of,
            note=self.note,
        )


class GeoSignal(models.Model):
    """What the location signals said when an attestation was signed or a
    token was asked for: kept for the audit record, with the database build
    dates it came from. Other apps point at it; it points at nothing."""

    class Purpose(models.TextChoices):
        ATTESTATION = "attestation"
        TOKEN = "token"  # noqa: S105 - a purpose label, not a secret

    purpose = models.CharField(max_length=40, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    signals = models.JSONField(encoder=DjangoJSONEncoder)
    evaluation = models.JSONField(encoder=DjangoJSONEncoder)
    allowed = models.BooleanField()
    city_db_build_date = models.DateTimeField(null=True, blank=True)
    anonymous_db_build_date = models.DateTimeField(null=True, blank=True)
    demo_data = models.BooleanField(default=False)
    note = models.TextField(default=SIGNAL_NOT_PROOF)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        verdict = "allowed" if self.allowed else "denied"
        return f"{self.purpose} {self.ip or 'no address'} {verdict}"
