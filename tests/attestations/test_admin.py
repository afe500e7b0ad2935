"""The admin shows attestations and documents read-only, and publishes declarations by hash."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from accounts.models import User
from attestations.models import Declaration, DocumentType
from attestations.services import document_submit
from tests.attestations.factories import AttestationFactory
from tests.attestations.mrz_samples import td3
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    admin = User.objects.create_superuser("root@example.com", "a-long-admin-password")
    client = Client()
    sign_in_with_second_factor(client, admin)
    return client


def test_documents_and_attestations_are_listed_without_the_mrz(
    staff: Client, stranger: User
) -> None:
    AttestationFactory.create(user=stranger)
    document = document_submit(user=stranger, document_type=DocumentType.US_PASSPORT, mrz=td3())
    assert staff.get("/admin/attestations/attestation/").status_code == 200
    page = staff.get(f"/admin/attestations/document/{document.pk}/change/")
    assert page.status_code == 200
    assert td3().split("\n")[1].encode() not in page.content
    assert staff.post(f"/admin/attestations/document/{document.pk}/delete/").status_code == 403


def test_a_new_declaration_version_gets_the_hash_of_its_text(staff: Client) -> None:
    response = staff.post(
        "/admin/attestations/declaration/add/",
        {
            "version": "2027-01",
            "text": "New words.",
            "published_at_0": "2027-01-01",
            "published_at_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content[:500]
    declaration = Declaration.objects.get(version="2027-01")
    assert declaration.sha256 == hashlib.sha256(b"New words.").hexdigest()
