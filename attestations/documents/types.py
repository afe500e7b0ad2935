"""What the document examination returns, and the protocol every examiner implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from attestations.mrz import Check
from attestations.ocr import OcrOutcome

# Stable names of the checks, grouped by what a failure sends the officer to look at.
IMAGE_CHECKS = frozenset(
    {"image_resolution", "image_sharpness", "image_glare", "page_whole", "page_proportions"}
)
PORTRAIT_CHECKS = frozenset({"portrait_present"})
PRINTED_CHECKS = frozenset(
    {
        "printed_surname",
        "printed_given_names",
        "printed_document_number",
        "printed_birth_date",
        "printed_expiry_date",
        "printed_nationality",
    }
)
EXAMINATION_CHECKS = IMAGE_CHECKS | PORTRAIT_CHECKS | PRINTED_CHECKS


@dataclass(frozen=True, slots=True)
class Examination:
    """What an examiner made of one uploaded image.

    ``outcome`` is the MRZ reading; ``checks`` are the document checks beyond it
    (image quality, whole page, portrait, printed fields against the MRZ), each
    with a sentence for the person. They are complete only when the MRZ was
    read: without MRZ fields there is nothing to compare the printed page with,
    so then only the image checks that could be made are listed.
    ``measurements`` are the figures behind the checks, for the record and tuning.
    """

    outcome: OcrOutcome
    checks: tuple[Check, ...] = ()
    measurements: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.passed)

    @property
    def complete(self) -> bool:
        """Every document check was made (the MRZ was read and the page examined)."""
        names = {check.name for check in self.checks}
        return names >= EXAMINATION_CHECKS


class DocumentExaminer(Protocol):
    """Reads the MRZ of an uploaded image and checks that the image is a document.

    Raises ``ImageRejectedError`` for a file that is not a readable image (or too
    big), and ``OcrEngineError`` when the engine itself fails.
    """

    def examine(self, image: bytes) -> Examination: ...
