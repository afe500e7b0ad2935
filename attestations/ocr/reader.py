"""The tesseract MRZ reader: locate, deskew, scale, OCR at two scales, accept on agreement."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from attestations.ocr.config import Model, TesseractConfig, select_model
from attestations.ocr.correct import interpret
from attestations.ocr.image import Gray, decode_grayscale
from attestations.ocr.locate import MrzRegion, locate_mrz
from attestations.ocr.tesseract import parse_tsv, run_tesseract
from attestations.ocr.types import OcrOutcome, OcrPass, OcrStatus, OcrTimings

READ_MESSAGE = "The MRZ was read and every check digit validates."
UNSETTLED_MESSAGE = (
    "We could not read the MRZ with certainty. Please compare the lines we filled in "
    "with your document and correct them."
)
NO_MRZ_MESSAGE = (
    "We could not find an MRZ (the lines of letters, digits and < at the bottom of the "
    "document) in this image. Type it in, or send a sharper photo of the whole page."
)


# A reading that passes no more checks than this is not a misread MRZ but no MRZ
# at all, or one seen upside down.
_NONSENSE = 2


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _scaled_png(region: MrzRegion, glyph_height: int) -> bytes:
    image = Image.fromarray(region.pixels)
    factor = glyph_height / region.glyph_height
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    image = ImageOps.autocontrast(image.resize(size, Image.Resampling.LANCZOS), cutoff=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def _agreed(passes: Sequence[OcrPass]) -> tuple[str, ...] | None:
    """Lines that two valid passes read identically: one pass may pass the check
    digits by chance, two different scales rarely make the same mistake."""
    valid = [attempt.lines for attempt in passes if attempt.valid]
    for index, lines in enumerate(valid):
        if lines in valid[index + 1 :]:
            return lines
    return None


@dataclass(frozen=True, slots=True)
class PageReading:
    """An MRZ reading with the page it was read from, for the checks of the rest of the page.

    ``page`` is the decoded grayscale image (turned half a turn when the MRZ was
    found upside down); ``region`` is where the MRZ lines were found on it, or None.
    """

    outcome: OcrOutcome
    page: Gray
    region: MrzRegion | None


class TesseractMrzReader:
    """An :class:`~attestations.ocr.types.MrzReader` backed by the tesseract binary."""

    def __init__(
        self,
        config: TesseractConfig | None = None,
        *,
        today: Callable[[], dt.date] = _utc_today,
    ) -> None:
        self.config = config or TesseractConfig()
        self.model: Model = select_model(self.config)
        self._today = today

    def _ocr(self, region: MrzRegion, glyph_height: int, today: dt.date, flipped: bool) -> OcrPass:
        tsv = run_tesseract(_scaled_png(region, glyph_height), config=self.config, model=self.model)
        lines = parse_tsv(tsv)
        text = "\n".join(line.text for line in lines)
        found = interpret(
            lines,
            line_count=region.line_count,
            today=today,
            min_confidence=self.config.min_line_confidence,
        )
        if found is None:
            return OcrPass(glyph_height, text, (), valid=False, upside_down=flipped)
        return OcrPass(
            glyph_height,
            text,
            found.lines,
            valid=found.acceptable,
            checks_passed=found.passed,
            confidence=found.confidence,
            upside_down=flipped,
        )

    def _read_region(
        self, region: MrzRegion, today: dt.date, *, flipped: bool = False
    ) -> tuple[tuple[OcrPass, ...], tuple[str, ...] | None]:
        """Passes until two valid ones agree or the glyph heights run out."""
        first, second, *later = self.config.glyph_heights
        # The first two passes run side by side: two tesseract processes, two cores.
        with ThreadPoolExecutor(max_workers=2) as pool:
            passes = tuple(
                pool.map(lambda height: self._ocr(region, height, today, flipped), (first, second))
            )
        agreed = _agreed(passes)
        for height in later:
            # A third pass helps two near-misses agree; it cannot rescue nonsense.
            if agreed is not None or max(p.checks_passed for p in passes) <= _NONSENSE:
                break
            passes = (*passes, self._ocr(region, height, today, flipped))
            agreed = _agreed(passes)
        return passes, agreed

    def read(self, image: bytes) -> OcrOutcome:
        return self.read_page(image).outcome

    def read_page(self, image: bytes) -> PageReading:
        started = time.perf_counter()
        gray = decode_grayscale(
            image, max_pixels=self.config.max_pixels, max_bytes=self.config.max_bytes
        )
        decoded = time.perf_counter()
        region = locate_mrz(gray)
        located = time.perf_counter()

        def outcome(
            status: OcrStatus, lines: tuple[str, ...], passes: tuple[OcrPass, ...], message: str
        ) -> PageReading:
            finished = time.perf_counter()
            timings = OcrTimings(
                decode=decoded - started,
                locate=located - decoded,
                ocr=finished - located,
                total=finished - started,
            )
            return PageReading(
                OcrOutcome(status, lines, self.model.name, timings, passes, message), page, found
            )

        page, found = gray, region
        if region is None:
            return outcome(OcrStatus.NO_MRZ, (), (), NO_MRZ_MESSAGE)
        today = self._today()
        passes, agreed = self._read_region(region, today)
        if agreed is None and max(attempt.checks_passed for attempt in passes) <= _NONSENSE:
            # A page scanned upside down: its MRZ lines are found but read as nonsense.
            turned = np.ascontiguousarray(gray[::-1, ::-1])
            flipped = locate_mrz(turned)
            if flipped is not None:
                more, agreed = self._read_region(flipped, today, flipped=True)
                passes = (*passes, *more)
                if agreed is not None:
                    page, found = turned, flipped
        if agreed is not None:
            return outcome(OcrStatus.READ, agreed, passes, READ_MESSAGE)
        best = max(passes, key=lambda attempt: (attempt.valid, attempt.checks_passed))
        if not best.lines:
            return outcome(OcrStatus.NO_MRZ, (), passes, NO_MRZ_MESSAGE)
        return outcome(OcrStatus.UNSETTLED, best.lines, passes, UNSETTLED_MESSAGE)
