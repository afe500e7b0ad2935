"""factory_boy factories for attestations and documents (use ``.create(...)``)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from attestations.identity import identity_fingerprint
from attestations.models import Attestation, Document, DocumentType, UsPersonStatus
from tests.support.factories import UserFactory


class AttestationFactory(factory.django.DjangoModelFactory[Attestation]):
    class Meta:
        model = Attestation

    user = factory.SubFactory(UserFactory)
    status = UsPersonStatus.US_CITIZEN
    given_names = "Anna Maria"
    family_name = "Eriksson"
    date_of_birth = dt.date(1974, 8, 12)
    country_of_birth = "US"
    citizenships = factory.LazyFunction(lambda: ["US"])
    signature_name = "Anna Maria Eriksson"
    perjury_acknowledged = True
    declaration_version = "2026-11"
    declaration_sha256 = "0" * 64
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=365))
    geo_clean = True
    identity_fingerprint = factory.LazyAttribute(
        lambda o: identity_fingerprint(
            family_name=o.family_name, given_names=o.given_names, date_of_birth=o.date_of_birth
        )
    )


def _active_attestation(document: Any) -> Attestation | None:
    return Attestation.objects.filter(user=document.user, state=Attestation.State.ACTIVE).first()


def _bound_identity(document: Any) -> str:
    """As the services bind it: a passed or approved document, to its attestation's identity."""
    verified = document.status in (Document.Status.PASSED, Document.Status.APPROVED)
    return document.attestation.identity_fingerprint if verified and document.attestation else ""


class DocumentFactory(factory.django.DjangoModelFactory[Document]):
    class Meta:
        model = Document

    user = factory.SubFactory(UserFactory)
    document_type = DocumentType.US_PASSPORT
    status = Document.Status.PASSED
    supports_status = UsPersonStatus.US_CITIZEN
    document_expires_on = factory.LazyFunction(lambda: timezone.now().date() + timedelta(days=3650))
    # Checked against the person's attestation at the time, as the services do.
    attestation = factory.LazyAttribute(_active_attestation)
    identity_fingerprint = factory.LazyAttribute(_bound_identity)
