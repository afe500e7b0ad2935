"""The sweeps that re-send work whose task was lost (a broker outage, a killed worker).

Without a broker the tasks run in-process, so a re-sent task is seen done.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from attestations.models import Document
from attestations.services.documents import READ_STALL_SECONDS, documents_read_stalled
from screening.models import RescreenJob
from screening.services.rescreens import STALL_SECONDS, rescreens_resume_stalled
from tests.attestations.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_documents_left_processing_are_read_again_and_fresh_ones_are_left_alone() -> None:
    long_ago = timezone.now() - timedelta(seconds=READ_STALL_SECONDS + 5)
    DocumentFactory.create(status=Document.Status.PROCESSING, created_at=long_ago)
    DocumentFactory.create(status=Document.Status.PROCESSING)  # its task may still be queued
    DocumentFactory.create(status=Document.Status.PASSED, created_at=long_ago)
    assert documents_read_stalled() == 1  # the reading itself is test_document_reading_worker's


def test_re_screens_whose_task_was_lost_are_sent_again_and_finish() -> None:
    long_ago = timezone.now() - timedelta(seconds=STALL_SECONDS + 5)
    lost = RescreenJob.objects.create(list_version="v1", created_at=long_ago)
    silent = RescreenJob.objects.create(
        list_version="v2", status=RescreenJob.Status.RUNNING, heartbeat_at=long_ago
    )
    RescreenJob.objects.create(list_version="v3")  # just queued
    RescreenJob.objects.create(
        list_version="v4", status=RescreenJob.Status.SUCCEEDED, created_at=long_ago
    )
    assert rescreens_resume_stalled() == 2
    for job in (lost, silent):
        job.refresh_from_db()
        assert job.status == RescreenJob.Status.SUCCEEDED
