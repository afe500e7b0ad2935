"""Reading the MRZ from an uploaded image: settles, asks the person, or sends to review."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from PIL import Image

from accounts.models import User
from attestations.documents import EXAMINATION_CHECKS, Examination
from attestations.models import Document, DocumentDecisionReason, DocumentType, ReviewReason
from attestations.mrz import Check
from attestations.ocr import OcrEngineError, OcrOutcome, OcrStatus, OcrTimings
from attestations.pdf import render_dpi, render_first_page
from attestations.selectors import document_ocr_prefill, verification_status
from attestations.services import document_mrz_submit, document_ocr_run, document_submit
from attestations.wording import rejection_for_person
from audit.models import AuditEvent
from tests.attestations import images
from tests.attestations.factories import AttestationFactory
from tests.attestations.mrz_samples import corrupt, td1, td3

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _typed_lines_pass(settings: Any) -> None:
    """The checks' own verdicts, as an operator who sets IDV_TYPED_MRZ_PASSES=true sees
    them; the default (false) is tested where it matters."""
    settings.IDV_TYPED_MRZ_PASSES = True


TIMINGS = OcrTimings(decode=0.0, locate=0.0, ocr=0.0, total=0.0)


def _document_checks(failing: frozenset[str]) -> tuple[Check, ...]:
    return tuple(
        Check(name, name not in failing, f"{name} {'failed' if name in failing else 'passed'}")
        for name in sorted(EXAMINATION_CHECKS)
    )


@dataclass
class ScriptedReader:
    """Stands in for tesseract and the page checks: the examination seam, answering what
    the test scripts (by default, a page that passes every document check)."""

    status: OcrStatus
    lines: tuple[str, ...] = ()
    error: Exception | None = None
    failing: frozenset[str] = frozenset()
    seen: list[bytes] = field(default_factory=list)

    def examine(self, image: bytes) -> Examination:
        self.seen.append(image)
        if self.error:
            raise self.error
        checks = _document_checks(self.failing) if self.status == OcrStatus.READ else ()
        return Examination(OcrOutcome(self.status, self.lines, "mrz", TIMINGS), checks)


@pytest.fixture
def uploaded(stranger: User, django_capture_on_commit_callbacks: Callable[..., Any]) -> Document:
    AttestationFactory.create(user=stranger)
    # Without a broker the task would run in-process on commit; here it must not yet.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = document_submit(
            user=stranger, document_type=DocumentType.US_PASSPORT, file_data=images.jpeg()
        )
    assert len(callbacks) == 1  # the reading task is queued after commit
    assert document.status == Document.Status.PROCESSING
    return document


def test_a_settled_reading_is_checked_like_typed_lines(uploaded: Document) -> None:
    reader = ScriptedReader(OcrStatus.READ, tuple(td3().split("\n")))
    document = document_ocr_run(document_public_id=str(uploaded.public_id), examiner=reader)
    assert reader.seen == [images.jpeg()]  # decrypted before reading
    assert document.status == Document.Status.PASSED
    assert document.mrz_source == "ocr"
    assert document.ocr_model == "mrz"
    assert AuditEvent.objects.filter(action="document.read").count() == 1


def test_an_unsettled_reading_asks_the_person_prefilled_with_what_was_read(
    uploaded: Document,
) -> None:
    guess = tuple(corrupt(td3(), line=2, position=3).split("\n"))
    reader = ScriptedReader(OcrStatus.UNSETTLED, guess)
    document = document_ocr_run(document_public_id=str(uploaded.public_id), examiner=reader)
    assert document.status == Document.Status.NEEDS_INPUT
    assert document_ocr_prefill(document=document) == "\n".join(guess)


def test_no_mrz_found_or_an_engine_failure_still_lets_the_person_type(
    stranger: User, uploaded: Document
) -> None:
    document = document_ocr_run(
        document_public_id=str(uploaded.public_id), examiner=ScriptedReader(OcrStatus.NO_MRZ)
    )
    assert document.status == Document.Status.NEEDS_INPUT
    second = document_submit(
        user=stranger, document_type=DocumentType.US_PASSPORT, file_data=images.png()
    )
    Document.objects.filter(pk=second.pk).update(status=Document.Status.PROCESSING)
    failing = ScriptedReader(OcrStatus.READ, error=OcrEngineError("tesseract crashed"))
    document = document_ocr_run(document_public_id=str(second.public_id), examiner=failing)
    assert document.status == Document.Status.NEEDS_INPUT


def test_a_reading_that_shows_an_expired_document_refuses_it_at_once(
    uploaded: Document, stranger: User
) -> None:
    expired_on = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=3)
    reader = ScriptedReader(OcrStatus.READ, tuple(td3(expiry=expired_on).split("\n")))
    document = document_ocr_run(document_public_id=str(uploaded.public_id), examiner=reader)
    assert document.status == Document.Status.REJECTED
    assert document.decision_reason == DocumentDecisionReason.EXPIRED
    assert document.reviewed_by is None
    assert document.review_reasons == []  # not parked for an officer
    assert not document.has_image  # nothing left to review
    assert rejection_for_person(document) == (
        f"The document expired on {expired_on.isoformat()}. Please use a document that is "
        "still valid."
    )
    assert verification_status(user=stranger).level == 1


def test_typed_lines_of_another_kind_refuse_the_document_with_the_kind_to_choose(
    uploaded: Document, stranger: User
) -> None:
    document_ocr_run(
        document_public_id=str(uploaded.public_id), examiner=ScriptedReader(OcrStatus.NO_MRZ)
    )
    card = td1(code="IP", nationality="USA")
    document = document_mrz_submit(
        user=stranger, document_public_id=uploaded.public_id, mrz=card, name_confirmed=True
    )
    assert document.status == Document.Status.REJECTED
    assert document.decision_reason == DocumentDecisionReason.WRONG_DOCUMENT
    assert (
        "You chose a U.S. passport, but the machine-readable lines belong to a U.S. passport card"
        in (rejection_for_person(document))
    )
    assert not Document.objects.filter(status=Document.Status.NEEDS_REVIEW).exists()


def test_reading_twice_changes_nothing_the_second_time(uploaded: Document) -> None:
    reader = ScriptedReader(OcrStatus.READ, tuple(td3().split("\n")))
    document_ocr_run(document_public_id=str(uploaded.public_id), examiner=reader)
    document_ocr_run(document_public_id=str(uploaded.public_id), examiner=reader)
    assert len(reader.seen) == 1
    assert AuditEvent.objects.filter(action="document.read").count() == 1


def test_a_pdf_goes_to_review_when_it_cannot_be_rendered(
    stranger: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    AttestationFactory.create(user=stranger)
    document = document_submit(
        user=stranger, document_type=DocumentType.US_PASSPORT, file_data=images.pdf()
    )
    Document.objects.filter(pk=document.pk).update(status=Document.Status.PROCESSING)
    monkeypatch.setattr(shutil, "which", lambda name: None)  # poppler-utils not installed
    reader = ScriptedReader(OcrStatus.READ)
    document = document_ocr_run(document_public_id=str(document.public_id), examiner=reader)
    assert document.status == Document.Status.NEEDS_REVIEW
    assert document.review_reasons == [ReviewReason.PDF_UNREADABLE]
    assert reader.seen == []


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_a_pdf_is_read_from_its_first_page_rendered_as_an_image(stranger: User) -> None:
    AttestationFactory.create(user=stranger)
    document = document_submit(
        user=stranger, document_type=DocumentType.US_PASSPORT, file_data=images.pdf()
    )
    Document.objects.filter(pk=document.pk).update(status=Document.Status.PROCESSING)
    reader = ScriptedReader(OcrStatus.NO_MRZ)
    document_ocr_run(document_public_id=str(document.public_id), examiner=reader)
    assert len(reader.seen) == 1
    assert reader.seen[0].startswith(b"\x89PNG")


def test_without_typed_lines_counting_a_reading_from_the_image_still_passes(
    uploaded: Document, stranger: User, settings: Any
) -> None:
    settings.IDV_TYPED_MRZ_PASSES = False
    reader = ScriptedReader(OcrStatus.READ, tuple(td3().split("\n")))
    document = document_ocr_run(document_public_id=str(uploaded.public_id), examiner=reader)
    assert document.status == Document.Status.PASSED


def test_without_typed_lines_counting_lines_typed_after_a_failed_reading_go_to_review(
    uploaded: Document, stranger: User, settings: Any
) -> None:
    settings.IDV_TYPED_MRZ_PASSES = False
    document = document_ocr_run(
        document_public_id=str(uploaded.public_id), examiner=ScriptedReader(OcrStatus.NO_MRZ)
    )
    assert document.status == Document.Status.NEEDS_INPUT
    document = document_mrz_submit(
        user=stranger, document_public_id=document.public_id, mrz=td3(), name_confirmed=True
    )
    assert document.status == Document.Status.NEEDS_REVIEW
    assert document.review_reasons == [ReviewReason.MRZ_TYPED]
    assert document.has_image  # kept for the officer
    assert verification_status(user=stranger).level == 1


def test_a_huge_pdf_page_is_rendered_within_the_pixel_limits_or_not_at_all() -> None:
    limits = {"max_dimension": 10_000, "max_pixels": 40_000_000}
    assert render_dpi(images.pdf(), **limits) == 300  # letter: 2550 x 3300 pixels
    # A few hundred bytes declaring a 50-inch page: 300 dpi would be 15000 x 15000.
    assert render_dpi(images.pdf(width=3600, height=3600), **limits) == 126
    # 200 inches (the PDF maximum) would need under 72 dpi to fit: not rendered at all.
    assert render_dpi(images.pdf(width=14400, height=14400), **limits) is None
    assert render_dpi(b"%PDF-1.7 not really", **limits) is None


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_a_large_page_is_rendered_no_larger_than_the_limits_allow() -> None:
    rendered = render_first_page(
        images.pdf(width=3600, height=3600), max_dimension=4000, max_pixels=16_000_000
    )
    assert rendered is not None
    with Image.open(io.BytesIO(rendered)) as image:
        assert max(image.size) <= 4000  # 80 dpi, not 300


def test_repeated_failed_typing_goes_to_review_instead_of_locking_out(
    uploaded: Document, stranger: User, settings: Any
) -> None:
    from attestations.services import document_mrz_submit

    settings.IDV_DOCUMENT_MAX_ATTEMPTS = 2
    document_ocr_run(
        document_public_id=str(uploaded.public_id), examiner=ScriptedReader(OcrStatus.NO_MRZ)
    )
    wrong = corrupt(td3(), line=2, position=1)
    first = document_mrz_submit(
        user=stranger, document_public_id=uploaded.public_id, mrz=wrong, name_confirmed=True
    )
    assert first.status == Document.Status.NEEDS_INPUT
    second = document_mrz_submit(
        user=stranger, document_public_id=uploaded.public_id, mrz=wrong, name_confirmed=True
    )
    assert second.status == Document.Status.NEEDS_REVIEW
    assert second.review_reasons == [ReviewReason.REPEATED_FAILURES]


def test_a_name_the_person_does_not_confirm_goes_to_review(
    uploaded: Document, stranger: User
) -> None:
    from attestations.services import document_mrz_submit

    document_ocr_run(
        document_public_id=str(uploaded.public_id), examiner=ScriptedReader(OcrStatus.NO_MRZ)
    )
    document = document_mrz_submit(
        user=stranger, document_public_id=uploaded.public_id, mrz=td3(), name_confirmed=False
    )
    assert document.status == Document.Status.NEEDS_REVIEW
    assert document.review_reasons == [ReviewReason.NAME_UNCONFIRMED]


@pytest.mark.parametrize(
    ("failing", "reason"),
    [
        ("portrait_present", ReviewReason.PORTRAIT_MISSING),
        ("printed_surname", ReviewReason.PRINTED_MISMATCH),
        ("image_glare", ReviewReason.IMAGE_UNUSABLE),
        ("page_whole", ReviewReason.IMAGE_UNUSABLE),
    ],
)
def test_valid_lines_on_an_image_that_fails_a_document_check_go_to_an_officer(
    uploaded: Document, stranger: User, failing: str, reason: str
) -> None:
    reader = ScriptedReader(OcrStatus.READ, tuple(td3().split("\n")), failing=frozenset({failing}))
    document = document_ocr_run(document_public_id=str(uploaded.public_id), examiner=reader)
    assert document.status == Document.Status.NEEDS_REVIEW
    assert document.review_reasons == [reason]
    failed = [check["name"] for check in document.checks if not check["passed"]]
    assert failed == [failing]  # the reason is listed for the officer and the person
    assert document.has_image
    assert verification_status(user=stranger).level == 1
    event = AuditEvent.objects.get(action="document.read")
    assert event.data["document_checks_failed"] == [failing]


def test_a_reading_without_the_document_checks_is_never_passed(uploaded: Document) -> None:
    @dataclass
    class MrzOnly:
        def examine(self, image: bytes) -> Examination:
            lines = tuple(td3().split("\n"))
            return Examination(OcrOutcome(OcrStatus.READ, lines, "mrz", TIMINGS))

    document = document_ocr_run(document_public_id=str(uploaded.public_id), examiner=MrzOnly())
    assert document.status == Document.Status.NEEDS_REVIEW
    assert set(document.review_reasons) == {
        ReviewReason.IMAGE_UNUSABLE,
        ReviewReason.PORTRAIT_MISSING,
        ReviewReason.PRINTED_MISMATCH,
    }


def test_an_unreadable_photo_asks_for_the_lines_and_says_how_to_retake_it(
    uploaded: Document, stranger: User
) -> None:
    @dataclass
    class Blurred:
        def examine(self, image: bytes) -> Examination:
            advice = Check("image_sharpness", False, "The photo is blurred: hold the camera still.")
            return Examination(OcrOutcome(OcrStatus.UNSETTLED, (), "mrz", TIMINGS), (advice,))

    document = document_ocr_run(document_public_id=str(uploaded.public_id), examiner=Blurred())
    assert document.status == Document.Status.NEEDS_INPUT
    assert document.checks == [
        {
            "name": "image_sharpness",
            "passed": False,
            "message": "The photo is blurred: hold the camera still.",
        }
    ]
    typed = document_mrz_submit(
        user=stranger, document_public_id=document.public_id, mrz=td3(), name_confirmed=True
    )
    # What the image showed stays on record beside the typed lines' checks.
    assert "image_sharpness" in {check["name"] for check in typed.checks}
