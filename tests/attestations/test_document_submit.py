"""Submitting a document: typed MRZ checked at once, images stored sealed, fallbacks to review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail  # noqa: F401 - keeps the locmem backend loaded for on_commit work

from accounts.models import User
from attestations.models import Document, DocumentType, ReviewReason, UsPersonStatus
from attestations.selectors import verification_status
from attestations.services import document_submit
from attestations.uploads import UploadRejected
from audit.models import AuditEvent
from idverify.errors import Conflict, ValidationFailed
from tests.attestations import images
from tests.attestations.factories import AttestationFactory
from tests.attestations.mrz_samples import corrupt, td1, td3

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _typed_lines_pass(settings: Any) -> None:
    """The checks' own verdicts, as an operator who sets IDV_TYPED_MRZ_PASSES=true sees
    them; the default (false) is tested where it matters."""
    settings.IDV_TYPED_MRZ_PASSES = True


@pytest.fixture
def citizen(stranger: User) -> User:
    AttestationFactory.create(user=stranger)  # Anna Maria Eriksson, born 1974-08-12, U.S. citizen
    return stranger


def test_a_typed_us_passport_mrz_that_matches_passes_but_never_raises_the_level(
    citizen: User,
) -> None:
    document = document_submit(user=citizen, document_type=DocumentType.US_PASSPORT, mrz=td3())
    assert document.status == Document.Status.PASSED
    assert document.supports_status == UsPersonStatus.US_CITIZEN
    assert all(check["passed"] for check in document.checks)
    names = {check["name"] for check in document.checks}
    assert {"document_supports_status", "name_matches", "birth_date_matches"} <= names
    # Typed lines prove consistency, not possession (attestations.evidence).
    status = verification_status(user=citizen)
    assert (status.level, status.assurance.ial) == (1, "none")
    event = AuditEvent.objects.get(action="document.submitted")
    assert event.data["mrz_typed"] is True


def test_by_default_typed_lines_go_to_a_compliance_officer(citizen: User, settings: Any) -> None:
    # Check digits are public arithmetic: anyone can type lines that pass them.
    from idverify.settings import onboarding

    assert onboarding.IDV_TYPED_MRZ_PASSES is False
    settings.IDV_TYPED_MRZ_PASSES = False
    document = document_submit(user=citizen, document_type=DocumentType.US_PASSPORT, mrz=td3())
    assert document.status == Document.Status.NEEDS_REVIEW
    assert document.review_reasons == [ReviewReason.MRZ_TYPED]
    assert all(check["passed"] for check in document.checks)  # still checked and shown
    assert verification_status(user=citizen).level == 1


def test_the_mrz_is_stored_encrypted_not_in_clear(citizen: User) -> None:
    mrz = td3()
    document = document_submit(user=citizen, document_type=DocumentType.US_PASSPORT, mrz=mrz)
    sealed = Document.objects.get(pk=document.pk).mrz_sealed
    assert sealed is not None
    stored = bytes(sealed)
    assert stored
    assert b"ERIKSSON" not in stored
    assert mrz.split()[1].encode() not in stored


def test_a_green_card_supports_lawful_permanent_residence(stranger: User) -> None:
    AttestationFactory.create(
        user=stranger, status=UsPersonStatus.LAWFUL_PERMANENT_RESIDENT, citizenships=["SE"]
    )
    document = document_submit(
        user=stranger, document_type=DocumentType.PERMANENT_RESIDENT_CARD, mrz=td1()
    )
    assert document.status == Document.Status.PASSED, document.checks
    assert document.supports_status == UsPersonStatus.LAWFUL_PERMANENT_RESIDENT


@pytest.mark.parametrize(
    ("line", "position"),
    [(2, 1), (2, 14), (2, 22), (2, 44)],
    ids=["number", "birth-date", "expiry", "composite"],
)
def test_a_typo_in_a_typed_mrz_asks_the_person_to_type_it_again(
    citizen: User, line: int, position: int
) -> None:
    bad = corrupt(td3(), line=line, position=position)
    document = document_submit(user=citizen, document_type=DocumentType.US_PASSPORT, mrz=bad)
    assert document.status == Document.Status.NEEDS_INPUT
    assert any(not check["passed"] for check in document.checks)
    assert document.failed_attempts == 1
    assert verification_status(user=citizen).level == 1


def test_text_that_cannot_be_an_mrz_is_a_form_error_and_stores_nothing(citizen: User) -> None:
    with pytest.raises(ValidationFailed) as caught:
        document_submit(user=citizen, document_type=DocumentType.US_PASSPORT, mrz="HELLO")
    assert "mrz" in caught.value.fields
    assert not Document.objects.exists()


def test_a_passport_of_another_country_does_not_support_us_citizenship(citizen: User) -> None:
    foreign = td3(issuer="DEU", nationality="DEU")
    document = document_submit(user=citizen, document_type=DocumentType.OTHER, mrz=foreign)
    assert document.status == Document.Status.NEEDS_REVIEW
    assert ReviewReason.STATUS_MISMATCH in document.review_reasons
    assert document.supports_status == ""
    assert verification_status(user=citizen).level == 1


def test_a_name_that_does_not_match_goes_to_review(citizen: User) -> None:
    document = document_submit(
        user=citizen, document_type=DocumentType.US_PASSPORT, mrz=td3(family="SMITH")
    )
    assert document.status == Document.Status.NEEDS_REVIEW
    assert document.review_reasons == [ReviewReason.CHECKS_FAILED]


def test_typed_lines_of_an_expired_passport_are_refused_at_once_with_what_to_do(
    citizen: User,
) -> None:
    expired_on = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=40)
    with pytest.raises(ValidationFailed) as caught:
        document_submit(
            user=citizen,
            document_type=DocumentType.US_PASSPORT,
            mrz=td3(expiry=expired_on),
            file_data=images.jpeg(),
        )
    assert caught.value.fields == {
        "mrz": [
            (
                f"The document expired on {expired_on.isoformat()}. Please use a document "
                "that is still valid."
            )
        ]
    }
    # Bad input: nothing kept, nothing parked for an officer, no file left behind.
    assert not Document.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.idv"))


def test_typed_lines_of_another_kind_of_document_are_refused_by_the_kind_chosen(
    citizen: User,
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        document_submit(user=citizen, document_type=DocumentType.US_PASSPORT_CARD, mrz=td3())
    assert caught.value.fields == {
        "document_type": [
            (
                "You chose a U.S. passport card, but the machine-readable lines belong to a "
                "U.S. passport. Choose the kind that matches your document."
            )
        ]
    }
    assert not Document.objects.exists()
    # Choosing the right kind, the same lines pass.
    document = document_submit(user=citizen, document_type=DocumentType.US_PASSPORT, mrz=td3())
    assert document.status == Document.Status.PASSED


def test_a_document_without_an_mrz_goes_to_review_with_its_image(citizen: User) -> None:
    document = document_submit(
        user=citizen, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.pdf()
    )
    assert document.status == Document.Status.NEEDS_REVIEW
    assert document.review_reasons == [ReviewReason.NO_MRZ]
    assert document.has_image
    assert document.file_type == "application/pdf"


def test_a_document_flagged_at_signing_goes_to_review_even_when_it_passes(stranger: User) -> None:
    AttestationFactory.create(user=stranger, geo_clean=False)
    document = document_submit(user=stranger, document_type=DocumentType.US_PASSPORT, mrz=td3())
    assert document.status == Document.Status.NEEDS_REVIEW
    assert document.review_reasons == [ReviewReason.GEO_FLAGGED]


def test_the_image_is_sealed_under_a_random_name_inside_media_root(citizen: User) -> None:
    data = images.png(300, 200)
    document = document_submit(user=citizen, document_type=DocumentType.US_PASSPORT, file_data=data)
    path = Path(settings.MEDIA_ROOT) / "documents" / document.file_name
    stored = path.read_bytes()
    assert stored.startswith(b"IDV1")
    assert data not in stored
    assert "passport" not in document.file_name
    assert len(document.file_name) >= 32
    assert oct(path.stat().st_mode)[-3:] == "600"


def test_a_wrong_file_type_is_refused_and_nothing_is_stored(citizen: User) -> None:
    with pytest.raises(UploadRejected):
        document_submit(
            user=citizen, document_type=DocumentType.US_PASSPORT, file_data=b"#!/bin/sh\nrm -rf /"
        )
    assert not Document.objects.exists()
    assert not list((Path(settings.MEDIA_ROOT)).rglob("*.idv"))


def test_nothing_given_is_a_clear_error(citizen: User) -> None:
    with pytest.raises(ValidationFailed) as caught:
        document_submit(user=citizen, document_type=DocumentType.US_PASSPORT)
    assert "file" in caught.value.fields


def test_a_document_needs_a_current_attestation(stranger: User) -> None:
    with pytest.raises(Conflict, match="attestation first"):
        document_submit(user=stranger, document_type=DocumentType.US_PASSPORT, mrz=td3())


def test_a_person_who_is_not_a_us_person_is_told_no_document_is_needed(stranger: User) -> None:
    AttestationFactory.create(
        user=stranger, status=UsPersonStatus.NOT_US_PERSON, citizenships=["DE"]
    )
    with pytest.raises(Conflict, match="no document is needed"):
        document_submit(user=stranger, document_type=DocumentType.US_PASSPORT, mrz=td3())
