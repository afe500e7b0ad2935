"""The OCR seam: what a reader returns, and the protocol every reader implements."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class OcrStatus(StrEnum):
    READ = "read"  # every check validates and two independent passes agree
    UNSETTLED = "unsettled"  # something was read; the person must type or confirm it
    NO_MRZ = "no_mrz"  # no MRZ found in the image


@dataclass(frozen=True, slots=True)
class OcrTimings:
    """Seconds spent per stage of one read."""

    decode: float
    locate: float
    ocr: float
    total: float


@dataclass(frozen=True, slots=True)
class OcrLine:
    """A line of text as read, spaces removed, with the confidence (0-100) of its least
    certain word: one doubtful character makes the whole line doubtful."""

    text: str
    confidence: float


@dataclass(frozen=True, slots=True)
class OcrPass:
    """One OCR run at one glyph height, for review and debugging.

    ``valid``: every check passed, the engine was confident of every line and
    nothing unverifiable (the name) was repaired.
    """

    glyph_height: int
    text: str
    lines: tuple[str, ...]
    valid: bool
    checks_passed: int = 0
    confidence: float = 0.0
    upside_down: bool = False


@dataclass(frozen=True, slots=True)
class OcrOutcome:
    """What a reader made of one image.

    ``lines`` are the agreed MRZ lines when ``status`` is READ, the best guess
    (to prefill manual entry) when UNSETTLED, and empty when NO_MRZ.
    """

    status: OcrStatus
    lines: tuple[str, ...]
    model: str
    timings: OcrTimings
    passes: tuple[OcrPass, ...] = ()
    message: str = ""


class MrzReader(Protocol):
    """Reads the MRZ from an uploaded image.

    Raises ``ImageRejectedError`` for a file that is not a readable image (or too
    big), and ``OcrEngineError`` when the engine itself fails.
    """

    def read(self, image: bytes) -> OcrOutcome: ...
