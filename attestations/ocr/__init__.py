"""The OCR seam: read the MRZ from an uploaded image.

Callers depend on :class:`MrzReader` (tests may put another reader in its
place); :class:`TesseractMrzReader` is the implementation. Plain Python, no Django.
"""

from attestations.ocr.config import TesseractConfig, model_info, select_model
from attestations.ocr.errors import ImageRejectedError, OcrEngineError
from attestations.ocr.reader import TesseractMrzReader
from attestations.ocr.types import MrzReader, OcrOutcome, OcrPass, OcrStatus, OcrTimings

__all__ = [
    "ImageRejectedError",
    "MrzReader",
    "OcrEngineError",
    "OcrOutcome",
    "OcrPass",
    "OcrStatus",
    "OcrTimings",
    "TesseractConfig",
    "TesseractMrzReader",
    "model_info",
    "select_model",
]
