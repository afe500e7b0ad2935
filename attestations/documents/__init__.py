"""The automated document check: is an uploaded image a document, or only a string?

Beyond the MRZ's own checks: the printed fields agree with the MRZ, a portrait
is printed where the document has one, and the image is a whole data page of
usable quality. Plain Python (no Django): the service, the benchmark and the
tests call the same code.
"""

from attestations.documents.examine import TesseractDocumentExaminer
from attestations.documents.layout import LAYOUTS, Box, PageLayout
from attestations.documents.quality import QualityLimits
from attestations.documents.types import (
    EXAMINATION_CHECKS,
    IMAGE_CHECKS,
    PORTRAIT_CHECKS,
    PRINTED_CHECKS,
    DocumentExaminer,
    Examination,
)

__all__ = [
    "EXAMINATION_CHECKS",
    "IMAGE_CHECKS",
    "LAYOUTS",
    "PORTRAIT_CHECKS",
    "PRINTED_CHECKS",
    "Box",
    "DocumentExaminer",
    "Examination",
    "PageLayout",
    "QualityLimits",
    "TesseractDocumentExaminer",
]
