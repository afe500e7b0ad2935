"""The one OCR reader the service uses, configured from settings (the seam tests replace)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from attestations.documents import DocumentExaminer, TesseractDocumentExaminer
from attestations.ocr import MrzReader, TesseractConfig, TesseractMrzReader, model_info


def tesseract_config() -> TesseractConfig:
    directory = settings.IDV_TESSDATA_DIR
    return TesseractConfig(
        tessdata_dir=Path(directory) if directory else None,
        max_pixels=settings.IDV_DOCUMENT_MAX_PIXELS,
        max_bytes=max(settings.IDV_DOCUMENT_MAX_BYTES, 25_000_000),
    )


def mrz_reader() -> MrzReader:
    return TesseractMrzReader(tesseract_config())


def document_examiner() -> DocumentExaminer:
    """Reads the MRZ and checks the rest of the image as a document (the upload path)."""
    return TesseractDocumentExaminer(tesseract_config())


def ocr_model_info() -> dict[str, str | bool | None]:
    return model_info(tesseract_config())
