"""Document images are short-lived; their check results stay. Each deletion is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from attestations import tasks
from attestations.models import Document, DocumentType
from attestations.services import document_image_delete, document_images_purge, document_submit
from audit.models import AuditEvent
from idverify.celery import app
from idverify.errors import NotFound
from tests.attestations import images
from tests.attestations.factories import AttestationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(stranger: User) -> Document:
    AttestationFactory.create(user=stranger)
    return document_submit(
        user=stranger, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.png()
    )


def _file(document: Document) -> Path:
    return Path(settings.MEDIA_ROOT) / "documents" / document.file_name


def test_images_are_kept_for_the_retention_period_by_default(waiting: Document) -> None:
    expected = waiting.created_at + timedelta(days=settings.IDV_DOCUMENT_RETENTION_DAYS)
    assert waiting.retain_image_until == expected
    assert settings.IDV_DOCUMENT_RETENTION_DAYS == 30


def test_the_purge_deletes_images_past_their_retention_and_keeps_the_checks(
    waiting: Document, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    Document.objects.filter(pk=waiting.pk).update(checks=[{"name": "x", "passed": False}])
    assert document_images_purge(now=timezone.now()) == 0
    assert _file(waiting).exists()

    assert waiting.retain_image_until is not None
    later = waiting.retain_image_until + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert document_images_purge(now=later) == 1
    document = Document.objects.get(pk=waiting.pk)
    assert not _file(waiting).exists()
    assert document.image_deleted_reason == "retention_period_ended"
    assert document.checks == [{"name": "x", "passed": False}]
    assert document.status == Document.Status.NEEDS_REVIEW
    event = AuditEvent.objects.get(action="document.image_deleted")
    assert event.subject_id == str(waiting.public_id)
    assert event.data["reason"] == "retention_period_ended"
    assert document_images_purge(now=later) == 0  # running again changes nothing


def test_the_purge_runs_every_hour_as_a_periodic_task(waiting: Document) -> None:
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "attestations.document_images_purge" in scheduled
    assert tasks.document_images_purge.acks_late is True
    app.loader.import_default_modules()
    assert "attestations.document_images_purge" in app.tasks
    assert tasks.document_images_purge.delay().get() == 0


def test_a_person_can_delete_their_own_image_now(
    waiting: Document, stranger: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        document = document_image_delete(user=stranger, document_public_id=waiting.public_id)
    assert document.image_deleted_reason == "deleted_by_owner"
    assert not _file(waiting).exists()
    event = AuditEvent.objects.get(action="document.image_deleted")
    assert event.actor == f"user:{stranger.public_id}"


@pytest.mark.parametrize("person", ["owner", "officer"])
def test_nobody_else_can_delete_a_persons_image(
    person: str, request: pytest.FixtureRequest, waiting: Document
) -> None:
    with pytest.raises(NotFound):
        document_image_delete(
            user=request.getfixturevalue(person), document_public_id=waiting.public_id
        )
    assert _file(waiting).exists()
