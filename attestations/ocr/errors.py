"""Errors of the OCR seam: stable codes and sentences for the person who uploaded the file."""

from __future__ import annotations


class ImageRejectedError(ValueError):
    """The upload cannot be read as an image, or is too big to read safely."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class OcrEngineError(RuntimeError):
    """The OCR engine is missing, failed or timed out; the upload itself may be fine."""
