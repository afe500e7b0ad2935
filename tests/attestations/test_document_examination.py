"""An uploaded image passes only as a document: printed fields, portrait, whole page, quality.

Real tesseract and the real face detector on generated data pages and forgeries.
"""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import pytest

from accounts.models import User
from attestations.documents import Examination, TesseractDocumentExaminer
from attestations.models import Document, DocumentType, ReviewReason
from attestations.ocr import OcrStatus, TesseractConfig
from attestations.selectors import verification_status
from attestations.services import document_ocr_run, document_submit
from tests.attestations.factories import AttestationFactory
from tests.support.document_images import Degradation, find_mrz_tessdata
from tests.support.document_images.data_pages import honest_sample, passport_sample
from tests.support.document_images.forgeries import (
    EXPECTED_FAILURE,
    FORGERY_KINDS,
    ForgeryKind,
    forgery_sample,
    mrz_only_image,
)

pytestmark = [
    pytest.mark.ocr,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr not installed"),
    pytest.mark.skipif(find_mrz_tessdata() is None, reason="no mrz.traineddata to read with"),
]

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def examiner() -> TesseractDocumentExaminer:
    return TesseractDocumentExaminer(
        TesseractConfig(tessdata_dir=find_mrz_tessdata()), today=lambda: TODAY
    )


def _failed(examination: Examination) -> dict[str, str]:
    return {check.name: check.message for check in examination.failed}


def test_an_honest_passport_photo_passes_every_document_check(
    examiner: TesseractDocumentExaminer,
) -> None:
    sample = honest_sample(3, kind="TD3")
    examination = examiner.examine(sample.image)
    assert examination.outcome.status == OcrStatus.READ
    assert examination.complete
    assert _failed(examination) == {}


def test_an_honest_card_copied_on_both_sides_passes_every_document_check(
    examiner: TesseractDocumentExaminer,
) -> None:
    sample = honest_sample(1, kind="TD1")
    examination = examiner.examine(sample.image)
    assert examination.outcome.lines == sample.page.lines
    assert examination.complete
    assert _failed(examination) == {}


@pytest.mark.parametrize("kind", FORGERY_KINDS)
def test_each_kind_of_forgery_fails_the_check_that_names_it(
    examiner: TesseractDocumentExaminer, kind: ForgeryKind
) -> None:
    forgery = forgery_sample(1, kind)
    failed = _failed(examiner.examine(forgery.image))
    assert any(name.startswith(EXPECTED_FAILURE[kind]) for name in failed), failed


def test_the_white_card_with_a_computed_mrz_fails_for_want_of_a_page(
    examiner: TesseractDocumentExaminer,
) -> None:
    sample = passport_sample()
    examination = examiner.examine(mrz_only_image(sample.page.lines))
    assert examination.outcome.status == OcrStatus.READ  # the arithmetic is right...
    failed = _failed(examination)
    # ...but there is no page: no portrait, no printed fields, nothing but white.
    assert {"portrait_present", "printed_surname", "printed_document_number"} <= set(failed)
    assert "plain white" in failed["image_glare"]


@pytest.mark.parametrize(
    ("printed", "check", "named"),
    [
        ({"surname": "JOHANSSON"}, "printed_surname", "JOHANSSON"),
        ({"number": "X12395670"}, "printed_document_number", "X12395670"),
        ({"birth": "12 AUG 1975"}, "printed_birth_date", "12 AUG 1975"),
    ],
)
def test_printed_fields_that_disagree_with_the_mrz_are_named(
    examiner: TesseractDocumentExaminer, printed: dict[str, str], check: str, named: str
) -> None:
    # The MRZ is the person's; the page it is pasted on prints another value.
    sample = passport_sample(printed_changes=printed)
    failed = _failed(examiner.examine(sample.image))
    assert set(failed) == {check}, failed
    assert named in failed[check]


def test_a_small_screenshot_is_refused_with_advice_to_send_the_photo(
    examiner: TesseractDocumentExaminer,
) -> None:
    failed = _failed(examiner.examine(forgery_sample(2, "tiny").image))
    assert "screenshot" in failed["image_resolution"]


def test_a_blurred_photo_is_refused_with_advice_to_hold_still_and_focus(
    examiner: TesseractDocumentExaminer,
) -> None:
    failed = _failed(examiner.examine(forgery_sample(2, "blurred").image))
    assert "hold the camera still" in failed["image_sharpness"]


@pytest.fixture
def us_citizen(stranger: User, settings: Any) -> User:
    AttestationFactory.create(user=stranger)
    settings.IDV_TESSDATA_DIR = str(find_mrz_tessdata())
    return stranger


@pytest.mark.django_db
def test_the_attack_from_the_issue_a_white_png_with_a_valid_mrz_gets_no_level_2(
    us_citizen: User,
) -> None:
    lines = passport_sample().page.lines  # the attested person's MRZ, digits computed by hand
    document = document_submit(
        user=us_citizen, document_type=DocumentType.US_PASSPORT, file_data=mrz_only_image(lines)
    )
    Document.objects.filter(pk=document.pk).update(status=Document.Status.PROCESSING)
    document = document_ocr_run(document_public_id=str(document.public_id))
    assert document.status == Document.Status.NEEDS_REVIEW
    assert {
        ReviewReason.PORTRAIT_MISSING,
        ReviewReason.PRINTED_MISMATCH,
        ReviewReason.IMAGE_UNUSABLE,
    } <= set(document.review_reasons)
    assert document.has_image  # kept for the officer
    assert verification_status(user=us_citizen).level == 1


@pytest.mark.django_db
def test_an_honest_passport_photo_uploaded_reaches_level_2(us_citizen: User) -> None:
    photo = passport_sample(degradation=Degradation(rotation_degrees=1.5, jpeg_quality=85)).image
    document = document_submit(
        user=us_citizen, document_type=DocumentType.US_PASSPORT, file_data=photo
    )
    Document.objects.filter(pk=document.pk).update(status=Document.Status.PROCESSING)
    document = document_ocr_run(document_public_id=str(document.public_id))
    assert document.status == Document.Status.PASSED, document.checks
    assert {check["name"] for check in document.checks} >= {"portrait_present", "page_whole"}
    assert verification_status(user=us_citizen).level == 2
