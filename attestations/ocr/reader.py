"""The tesseract MRZ reader: locate, deskew, scale, OCR at two scales, accept on agreement."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from PIL import Image, ImageOps

from attestations.ocr.config import Model, TesseractConfig, select_model
from attestations.ocr.correct import interpret
from attestations.ocr.image import decode_grayscale
from attestations.ocr.locate import MrzRegion, locate_mrz
from attestations.ocr.tesseract import run_tesseract
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

    def _ocr(self, region: MrzRegion, glyph_height: int, today: dt.date) -> OcrPass:
        text = run_tesseract(
            _scaled_png(region, glyph_height), config=self.config, model=self.model
        )
        found = interpret(text, line_count=region.line_count, today=today)
        if found is None:
            return OcrPass(glyph_height=glyph_height, text=text, lines=(), valid=False)
        return OcrPass(
            glyph_height=glyph_height, text=text, lines=found.lines, valid=found.reading.valid
        )

    def _best_guess(self, passes: Sequence[OcrPass]) -> tuple[str, ...]:
        for attempt in passes:
            if attempt.valid:
                return attempt.lines
        return next((attempt.lines for attempt in passes if attempt.lines), ())

    def read(self, image: bytes) -> OcrOutcome:
        started = time.perf_counter()
        gray = decode_grayscale(
            image, max_pixels=self.config.max_pixels, max_bytes=self.config.max_bytes
        )
        decoded = time.perf_counter()
        region = locate_mrz(gray)
        located = time.perf_counter()

        def outcome(
            status: OcrStatus, lines: tuple[str, ...], passes: tuple[OcrPass, ...], message: str
        ) -> OcrOutcome:
            finished = time.perf_counter()
            timings = OcrTimings(
                decode=decoded - started,
                locate=located - decoded,
                ocr=finished - located,
                total=finished - started,
            )
            return OcrOutcome(status, lines, self.model.name, timings, passes, message)

        if region is None:
            return outcome(OcrStatus.NO_MRZ, (), (), NO_MRZ_MESSAGE)
        today = self._today()
        first, *more = self.config.glyph_heights
        second, *later = more
        # The first two passes run side by side: two tesseract processes, two cores.
        with ThreadPoolExecutor(max_workers=2) as pool:
            passes = tuple(
                pool.map(lambda height: self._ocr(region, height, today), (first, second))
            )
        agreed = _agreed(passes)
        for height in later:
            if agreed is not None:
                break
            passes = (*passes, self._ocr(region, height, today))
            agreed = _agreed(passes)
        if agreed is not None:
            return outcome(OcrStatus.READ, agreed, passes, READ_MESSAGE)
        guess = self._best_guess(passes)
        if not guess:
            return outcome(OcrStatus.NO_MRZ, (), passes, NO_MRZ_MESSAGE)
        return outcome(OcrStatus.UNSETTLED, guess, passes, UNSETTLED_MESSAGE)
