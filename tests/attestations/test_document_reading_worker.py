"""An uploaded passport photo is read by tesseract in a real worker, through Redis."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from accounts.models import User
from attestations.models import Document, DocumentType
from attestations.services import document_submit
from attestations.tasks import document_read_mrz
from tests.attestations.factories import AttestationFactory
from tests.support.celery_worker import broker_app, celery_worker
from tests.support.document_images import Degradation, find_mrz_tessdata
from tests.support.document_images.data_pages import passport_sample

pytestmark = [
    pytest.mark.broker,
    pytest.mark.ocr,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr not installed"),
    pytest.mark.skipif(find_mrz_tessdata() is None, reason="no mrz.traineddata to read with"),
]


@pytest.mark.django_db(transaction=True)
def test_a_photographed_passport_is_read_and_passes_in_a_worker_process(
    tmp_path: Path, stranger: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    AttestationFactory.create(user=stranger)
    photo = passport_sample(
        seed=7, degradation=Degradation(rotation_degrees=1.5, jpeg_quality=80)
    ).image
    # The test publishes to its own worker's queue instead of the default one.
    monkeypatch.setattr("attestations.services.documents._enqueue_reading", lambda _id: None)
    document = document_submit(
        user=stranger, document_type=DocumentType.US_PASSPORT, file_data=photo
    )
    assert document.status == Document.Status.PROCESSING

    env: dict[str, Any] = {
        "IDV_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "IDV_TESSDATA_DIR": str(find_mrz_tessdata()),
    }
    with celery_worker(tmp_path, extra_env=env) as worker, broker_app():
        document_read_mrz.apply_async(args=(str(document.public_id),), queue=worker.queue)
        deadline = time.monotonic() + 120
        while Document.objects.get(pk=document.pk).status == Document.Status.PROCESSING:
            if time.monotonic() > deadline or worker.process.poll() is not None:
                pytest.fail("The worker did not read the document. Worker log:\n" + worker.log())
            time.sleep(0.3)
    document.refresh_from_db()
    assert document.status == Document.Status.PASSED, document.checks
    assert document.mrz_source == "ocr"
    assert document.image_deleted_at is not None  # checked, so the photo is gone
