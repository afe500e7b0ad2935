"""factory_boy factories for attestations and documents (use ``.create(...)``)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import factory
from django.utils import timezone

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


class DocumentFactory(factory.django.DjangoModelFactory[Document]):
    class Meta:
        model = Document

    user = factory.SubFactory(UserFactory)
    document_type = DocumentType.US_PASSPORT
    status = Document.Status.PASSED
    supports_status = UsPersonStatus.US_CITIZEN
    document_expires_on = factory.LazyFunction(lambda: timezone.now().date() + timedelta(days=3650))
