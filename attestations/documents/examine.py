"""The automated document check: the MRZ read, then the image checked as a document.

Order of work: read the MRZ (its position is the ruler for everything else),
turn the page upright, measure the photo's quality, check that the whole page
is there and has its size, look for the portrait, read the printed fields and
compare them with the MRZ. Every check is made even when an earlier one failed,
so the person learns every reason at once.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import numpy as np

from attestations.documents.layout import LAYOUTS, Box, PageLayout
from attestations.documents.page import page_region, proportions_check, whole_page_check
from attestations.documents.portrait import portrait_check
from attestations.documents.printed import printed_checks
from attestations.documents.quality import (
    QualityLimits,
    bright_patches,
    glare_check,
    resolution_check,
    sharpness,
    sharpness_check,
    white_share,
)
from attestations.documents.types import Examination
from attestations.mrz import Check, MrzFormat, parse_mrz
from attestations.ocr import OcrStatus, TesseractConfig, TesseractMrzReader
from attestations.ocr.image import Gray
from attestations.ocr.locate import MrzRegion, upright_page
from attestations.ocr.viz import read_printed_text

# Printed values are set in type a little smaller than the MRZ's.
_VALUE_TO_MRZ_HEIGHT = 0.85


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _guess_layout(region: MrzRegion) -> PageLayout:
    return LAYOUTS[MrzFormat.TD1 if region.line_count == 3 else MrzFormat.TD3]


def _printed_zone(page: Gray, layout: PageLayout, mrz: Box, glyph: float) -> Gray:
    """Where the printed fields are: the page above the MRZ, or for a card the image less
    the side that carries the MRZ."""
    height, width = page.shape
    if layout.mrz_on_back:
        back = layout.page(mrz)
        masked = page.copy()
        top, bottom = max(0, round(back.top)), min(height, round(back.bottom))
        left, right = max(0, round(back.left)), min(width, round(back.right))
        masked[top:bottom, left:right] = 255
        return masked
    expected = layout.page(mrz)
    top = max(0, round(expected.top))
    bottom = max(top + 1, round(mrz.top - 0.5 * glyph))
    left, right = max(0, round(expected.left)), min(width, round(expected.right))
    return page[top:bottom, left:right]


class TesseractDocumentExaminer:
    """A :class:`~attestations.documents.types.DocumentExaminer` on tesseract and OpenCV."""

    def __init__(
        self,
        config: TesseractConfig | None = None,
        *,
        limits: QualityLimits | None = None,
        today: Callable[[], dt.date] = _utc_today,
    ) -> None:
        self.config = config or TesseractConfig()
        self.limits = limits or QualityLimits()
        self.reader = TesseractMrzReader(self.config, today=today)
        self._today = today

    def examine(self, image: bytes) -> Examination:
        started = time.perf_counter()
        reading = self.reader.read_page(image)
        outcome, region = reading.outcome, reading.region
        if region is None:
            return Examination(outcome, seconds=time.perf_counter() - started)
        page = upright_page(reading.page, region)
        mrz = Box(*region.box)
        fields = None
        if outcome.status == OcrStatus.READ:
            fields = parse_mrz(outcome.lines, today=self._today()).fields
        layout = LAYOUTS[fields.format] if fields is not None else _guess_layout(region)
        expected = layout.page(mrz)
        # Inset, so that paper around the page (the edge the MRZ's position predicts to a
        # few millimetres) does not count as a reflection on it.
        glare = white_share(page, expected.inset(0.05))
        if layout.mrz_on_back:
            # The front is elsewhere in the image: look for reflections anywhere.
            glare = max(glare, bright_patches(page, expected))
        measured = {
            "glyph_height": region.glyph_height,
            "sharpness": sharpness(region),
            "white_share": glare,
        }
        checks: list[Check] = [
            resolution_check(region, self.limits),
            sharpness_check(measured["sharpness"], self.limits),
            glare_check(measured["white_share"], self.limits),
        ]
        if fields is None:
            return Examination(outcome, tuple(checks), measured, time.perf_counter() - started)
        outline = page_region(page, mrz, layout.pixels_per_mm(mrz))
        measured["page_width_ratio"] = outline.width / expected.width
        measured["page_height_ratio"] = outline.height / expected.height
        checks += [whole_page_check(page, layout, mrz), proportions_check(outline, layout, mrz)]
        portrait, faces = portrait_check(page, layout, mrz)
        measured["faces"] = float(faces)
        checks.append(portrait)
        ocr_started = time.perf_counter()
        zone = _printed_zone(page, layout, mrz, region.glyph_height)
        lines = (
            read_printed_text(
                np.ascontiguousarray(zone),
                cap_height=_VALUE_TO_MRZ_HEIGHT * region.glyph_height,
                config=self.config,
            )
            if zone.size
            else ()
        )
        measured["printed_ocr_seconds"] = time.perf_counter() - ocr_started
        checks += printed_checks(lines, fields)
        return Examination(outcome, tuple(checks), measured, time.perf_counter() - started)
