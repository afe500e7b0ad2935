"""Evidence counts only for the identity (names, birth date) it was checked against.

The attack: sign as Anna Maria Eriksson, pass her passport's checks, then sign
again as someone else and keep level 2. Each test goes through the services a
person and an officer use.
"""

from __future__ import annotations

import datetime as dt
import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import User
from attestations.identity import identity_fingerprint
from attestations.models import Attestation, Document, DocumentDecisionReason, DocumentType
from attestations.ocr import OcrStatus
from attestations.progress import next_step
from attestations.selectors import attestation_current, declaration_current, verification_status
from attestations.services import (
    attestation_submit,
    document_ocr_run,
    document_review_decide,
    document_submit,
)
from audit.models import AuditEvent
from geo.selectors import request_signals
from tests.attestations import images
from tests.attestations.factories import AttestationFactory, DocumentFactory
from tests.attestations.mrz_samples import td3
from tests.attestations.test_document_reading import ScriptedReader

# The level query is on the token path: also run on SQLite (scripts/test.sh).
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

ANNA: dict[str, Any] = {
    "given_names": "Anna Maria",
    "family_name": "Eriksson",
    "date_of_birth": dt.date(1974, 8, 12),
}


def sign(user: User, **changes: Any) -> Attestation:
    """Sign (or re-sign) as Anna Maria Eriksson, U.S. citizen, with ``changes``."""
    answers: dict[str, Any] = {
        "status": "us_citizen",
        **ANNA,
        "country_of_birth": "US",
        "citizenships": ["US"],
        "declaration_version": declaration_current().version,
        "perjury_acknowledged": True,
        **changes,
    }
    answers["signature_name"] = f"{answers['given_names']} {answers['family_name']}"
    signals = request_signals(RequestFactory().get("/", REMOTE_ADDR="192.0.2.1"))
    return attestation_submit(user=user, request_signals=signals, **answers)


@pytest.fixture(autouse=True)
def _lines_count_as_read(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests bind evidence to identities, not how lines arrive: typed lines here
    pass (as IDV_TYPED_MRZ_PASSES=true) and are recorded as read from an image, which
    is what makes a passed document count (attestations.evidence)."""
    settings.IDV_TYPED_MRZ_PASSES = True
    from attestations.services import documents as documents_service

    original = documents_service.document_submit

    def submit(**kwargs: Any) -> Document:
        document = original(**kwargs)
        if document.mrz_source == "typed":
            Document.objects.filter(pk=document.pk).update(mrz_source="ocr")
            document.mrz_source = "ocr"
        return document

    monkeypatch.setitem(globals(), "document_submit", submit)


def passed_passport(user: User) -> Document:
    document = document_submit(user=user, document_type=DocumentType.US_PASSPORT, mrz=td3())
    assert document.status == Document.Status.PASSED, document.checks
    return document


def level_and_basis(user: User) -> tuple[int, str | None]:
    status = verification_status(user=user)
    return status.level, status.basis


@pytest.mark.parametrize(
    "changes",
    [
        {"family_name": "Svensson"},
        {"given_names": "Anna"},
        {"date_of_birth": dt.date(1974, 8, 13)},
    ],
    ids=["family name", "given names", "birth date"],
)
def test_re_signing_as_someone_else_drops_the_documents_level(
    stranger: User, changes: dict[str, Any]
) -> None:
    sign(stranger)
    passed_passport(stranger)
    assert level_and_basis(stranger) == (2, "document")
    sign(stranger, **changes)
    assert level_and_basis(stranger) == (1, "self")
    event = AuditEvent.objects.filter(action="attestation.signed").latest("id")
    assert event.data["identity_changed"] is True


def test_re_signing_the_same_identity_keeps_the_document(stranger: User) -> None:
    sign(stranger)
    document = passed_passport(stranger)
    # Case and spacing are not part of the identity; the MRZ checks ignore them too.
    renewed = sign(stranger, given_names="anna  maria", family_name="ERIKSSON")
    assert renewed.supersedes is not None
    assert level_and_basis(stranger) == (2, "document")
    assert document.attestation_id != renewed.pk  # bound by identity, not by row
    event = AuditEvent.objects.filter(action="attestation.signed").latest("id")
    assert event.data["identity_changed"] is False


def test_the_document_counts_again_once_its_identity_is_attested_again(stranger: User) -> None:
    sign(stranger)
    passed_passport(stranger)
    sign(stranger, family_name="Svensson")
    assert level_and_basis(stranger) == (1, "self")
    sign(stranger)
    assert level_and_basis(stranger) == (2, "document")


def test_a_new_document_matching_the_new_identity_restores_the_level(stranger: User) -> None:
    sign(stranger)
    passed_passport(stranger)
    sign(stranger, family_name="Svensson")
    document = document_submit(
        user=stranger, document_type=DocumentType.US_PASSPORT, mrz=td3(family="SVENSSON")
    )
    assert document.status == Document.Status.PASSED, document.checks
    assert document.attestation == attestation_current(user=stranger)
    assert level_and_basis(stranger) == (2, "document")


@pytest.mark.parametrize("passport_of", ["Eriksson", "Svensson"])
def test_lines_read_after_re_signing_are_bound_to_the_attestation_they_were_compared_with(
    stranger: User, passport_of: str, django_capture_on_commit_callbacks: Any
) -> None:
    sign(stranger)
    with django_capture_on_commit_callbacks(execute=False):
        uploaded = document_submit(
            user=stranger, document_type=DocumentType.US_PASSPORT, file_data=images.jpeg()
        )
    svensson = sign(stranger, family_name="Svensson")  # before the image is read
    reader = ScriptedReader(OcrStatus.READ, tuple(td3(family=passport_of.upper()).split("\n")))
    document = document_ocr_run(document_public_id=str(uploaded.public_id), examiner=reader)
    # Compared with the attestation current when read, and bound to that one, so
    # an officer reviewing a mismatch sees the attestation the checks saw.
    assert document.attestation == svensson
    if passport_of == "Svensson":
        assert document.status == Document.Status.PASSED
        assert level_and_basis(stranger) == (2, "document")
    else:
        assert document.status == Document.Status.NEEDS_REVIEW
        assert document.identity_fingerprint == ""
        assert level_and_basis(stranger) == (1, "self")


def _birth_certificate_for_review(user: User) -> Document:
    document = document_submit(
        user=user, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.png()
    )
    assert document.status == Document.Status.NEEDS_REVIEW
    return document


def _approve(officer: User, document: Document) -> Document:
    return document_review_decide(
        officer=officer,
        document_public_id=document.public_id,
        decision="approve",
        reason=DocumentDecisionReason.GENUINE_AND_MATCHING,
    )


def test_an_approved_document_counts_only_for_the_identity_the_officer_compared(
    stranger: User, officer: User
) -> None:
    sign(stranger)
    _approve(officer, _birth_certificate_for_review(stranger))
    assert level_and_basis(stranger) == (3, "review")
    sign(stranger, date_of_birth=dt.date(1980, 1, 1))
    assert level_and_basis(stranger) == (1, "self")


def test_approving_a_document_after_the_person_re_signed_as_someone_else_gives_no_level(
    stranger: User, officer: User
) -> None:
    sign(stranger)
    document = _birth_certificate_for_review(stranger)
    sign(stranger, family_name="Svensson")
    # The review page shows the attestation the document came with (Eriksson);
    # the approval is for that identity, not the one signed since.
    approved = _approve(officer, document)
    assert approved.identity_fingerprint == identity_fingerprint(**_identity(ANNA))
    assert level_and_basis(stranger) == (1, "self")
    event = AuditEvent.objects.get(action="document.approved")
    assert event.data["attestation"] == str(approved.attestation.public_id)  # type: ignore[union-attr]


def _identity(answers: dict[str, Any]) -> dict[str, Any]:
    return {key: answers[key] for key in ("family_name", "given_names", "date_of_birth")}


def test_another_persons_document_for_the_same_identity_does_not_count(
    stranger: User, teammate: User
) -> None:
    sign(stranger)
    sign(teammate)
    passed_passport(teammate)
    assert level_and_basis(teammate) == (2, "document")
    assert level_and_basis(stranger) == (1, "self")


def test_the_status_page_says_why_the_document_no_longer_counts(stranger: User) -> None:
    sign(stranger)
    document = passed_passport(stranger)
    attestation = sign(stranger, family_name="Svensson")
    step = next_step(
        status=verification_status(user=stranger),
        attestation=attestation,
        last_attestation=attestation,
        latest_document=document,
    )
    assert "not checked against the name and date of birth" in step.text
    assert step.link_text == "Upload a document"


# --- the data migration ----------------------------------------------------------


def _bind() -> None:
    migration = importlib.import_module(
        "attestations.migrations.0004_bind_document_evidence_to_identities"
    )
    migration.bind(django_apps, None)


def test_the_migration_binds_verified_documents_where_the_records_say_which_identity(
    stranger: User,
) -> None:
    now = timezone.now()
    first = AttestationFactory.create(
        user=stranger, signed_at=now - timedelta(days=10), state=Attestation.State.SUPERSEDED
    )
    second = AttestationFactory.create(
        user=stranger, family_name="Svensson", signed_at=now - timedelta(days=5)
    )

    def document(
        status: str, attestation: Attestation | None, decided_days_ago: int | None
    ) -> Document:
        decided = None if decided_days_ago is None else now - timedelta(days=decided_days_ago)
        return DocumentFactory.create(
            user=stranger, status=status, attestation=attestation, decided_at=decided
        )

    passed, approved = Document.Status.PASSED, Document.Status.APPROVED
    checked_under_first = document(passed, first, 8)
    # Read after the second was signed: it may have been compared with either.
    ambiguous = document(passed, first, 1)
    approved_under_first = document(approved, first, 1)
    checked_under_second = document(passed, second, 1)
    no_attestation = document(passed, None, 1)
    no_decision_time = document(passed, second, None)
    waiting = document(Document.Status.NEEDS_REVIEW, second, None)
    # As before the migration: nothing bound, and a fingerprint to be recomputed.
    Document.objects.update(identity_fingerprint="")
    Attestation.objects.filter(pk=first.pk).update(identity_fingerprint="0" * 64)

    _bind()

    first_identity = identity_fingerprint(**_identity(ANNA))
    second_identity = identity_fingerprint(**_identity({**ANNA, "family_name": "Svensson"}))
    first.refresh_from_db()
    assert first.identity_fingerprint == first_identity

    def bound(document: Document) -> str:
        document.refresh_from_db()
        return document.identity_fingerprint

    assert bound(checked_under_first) == first_identity
    assert bound(approved_under_first) == first_identity
    assert bound(checked_under_second) == second_identity
    for unbound in (ambiguous, no_attestation, no_decision_time, waiting):
        assert bound(unbound) == ""
    assert level_and_basis(stranger) == (2, "document")
