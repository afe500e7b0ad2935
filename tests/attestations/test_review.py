"""Compliance officers decide on documents the automation could not settle."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from attestations.models import Attestation, Document, DocumentDecisionReason, DocumentType
from attestations.selectors import review_queue, verification_status
from attestations.services import APPROVE, REJECT, document_review_decide, document_submit
from audit.models import AuditEvent
from idverify.errors import Conflict, PermissionDenied, SelfApproval, ValidationFailed
from tests.attestations import images
from tests.attestations.factories import AttestationFactory, DocumentFactory
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(stranger: User) -> Document:
    AttestationFactory.create(user=stranger)
    return document_submit(
        user=stranger, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.png()
    )


def test_the_queue_lists_waiting_documents_oldest_first(officer: User, waiting: Document) -> None:
    DocumentFactory.create(status=Document.Status.PASSED)
    later = DocumentFactory.create(status=Document.Status.NEEDS_REVIEW)
    assert list(review_queue(viewer=officer)) == [waiting, later]


@pytest.mark.parametrize("person", ["owner", "teammate", "outsider", "stranger"])
def test_only_compliance_officers_see_the_queue(
    person: str, request: pytest.FixtureRequest, waiting: Document
) -> None:
    with pytest.raises(PermissionDenied):
        review_queue(viewer=request.getfixturevalue(person))


def test_an_organisation_admin_cannot_decide(owner: User, waiting: Document) -> None:
    with pytest.raises(PermissionDenied):
        document_review_decide(
            officer=owner,
            document_public_id=waiting.public_id,
            decision=APPROVE,
            reason=DocumentDecisionReason.GENUINE_AND_MATCHING,
        )
    assert Document.objects.get(pk=waiting.pk).status == Document.Status.NEEDS_REVIEW


def test_approval_makes_level_3_deletes_the_image_and_is_audited(
    officer: User,
    waiting: Document,
    stranger: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    path = Path(settings.MEDIA_ROOT) / "documents" / waiting.file_name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        document = document_review_decide(
            officer=officer,
            document_public_id=waiting.public_id,
            decision=APPROVE,
            reason=DocumentDecisionReason.GENUINE_AND_MATCHING,
            note="Certified copy, seal visible.",
        )
    assert document.status == Document.Status.APPROVED
    assert (verification_status(user=stranger).level, verification_status(user=stranger).basis) == (
        3,
        "review",
    )
    assert document.image_deleted_at is not None
    assert not path.exists()
    event = AuditEvent.objects.get(action="document.approved")
    assert event.actor == f"user:{officer.public_id}"
    assert event.data["reason"] == "genuine_and_matching"
    assert AuditEvent.objects.filter(action="document.image_deleted").count() == 1


def test_rejection_keeps_the_level_and_tells_the_reason(
    officer: User, waiting: Document, stranger: User
) -> None:
    document = document_review_decide(
        officer=officer,
        document_public_id=waiting.public_id,
        decision=REJECT,
        reason=DocumentDecisionReason.UNREADABLE,
        note="Too blurred to read the seal.",
    )
    assert document.status == Document.Status.REJECTED
    assert document.decision_note == "Too blurred to read the seal."
    assert verification_status(user=stranger).level == 1
    assert AuditEvent.objects.filter(action="document.rejected").exists()


def test_a_reason_must_fit_the_decision_and_other_needs_a_note(
    officer: User, waiting: Document
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        document_review_decide(
            officer=officer,
            document_public_id=waiting.public_id,
            decision=APPROVE,
            reason=DocumentDecisionReason.UNREADABLE,
        )
    assert "reason" in caught.value.fields
    with pytest.raises(ValidationFailed) as caught:
        document_review_decide(
            officer=officer,
            document_public_id=waiting.public_id,
            decision=REJECT,
            reason=DocumentDecisionReason.OTHER,
        )
    assert "note" in caught.value.fields


def test_a_document_is_decided_once(officer: User, waiting: Document) -> None:
    document_review_decide(
        officer=officer,
        document_public_id=waiting.public_id,
        decision=REJECT,
        reason=DocumentDecisionReason.EXPIRED,
    )
    with pytest.raises(Conflict):
        document_review_decide(
            officer=officer,
            document_public_id=waiting.public_id,
            decision=APPROVE,
            reason=DocumentDecisionReason.GENUINE_AND_MATCHING,
        )


def test_an_officer_cannot_review_their_own_document(officer: User) -> None:
    AttestationFactory.create(user=officer)
    own = document_submit(
        user=officer, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.png()
    )
    with pytest.raises(SelfApproval):
        document_review_decide(
            officer=officer,
            document_public_id=own.public_id,
            decision=APPROVE,
            reason=DocumentDecisionReason.GENUINE_AND_MATCHING,
        )
    client = Client()
    sign_in_with_second_factor(client, officer)
    page = client.post(
        f"/review/{own.public_id}/",
        {"decision": "approve", "reason": DocumentDecisionReason.GENUINE_AND_MATCHING},
    )
    assert page.status_code == 400
    assert "You cannot review your own document" in page.content.decode()
    assert Document.objects.get(pk=own.pk).status == Document.Status.NEEDS_REVIEW
    assert not AuditEvent.objects.filter(action="document.approved").exists()


def test_approving_settles_a_location_flag_raised_at_signing(officer: User, stranger: User) -> None:
    attestation = AttestationFactory.create(user=stranger, geo_clean=False)
    document = document_submit(
        user=stranger, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.png()
    )
    assert verification_status(user=stranger).level == 0
    document_review_decide(
        officer=officer,
        document_public_id=document.public_id,
        decision=APPROVE,
        reason=DocumentDecisionReason.LOCATION_EXPLAINED,
    )
    assert Attestation.objects.get(pk=attestation.pk).geo_cleared_at is not None
    assert verification_status(user=stranger).level == 3
