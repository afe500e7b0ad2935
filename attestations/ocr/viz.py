"""Read the visual inspection zone (the printed fields) of a data page with tesseract's eng model.

The MRZ model knows only the MRZ alphabet; the printed name, number, dates and
nationality are ordinary type, read here with the general English model in
"sparse text" mode (labels and values scattered over the page, around a photo).
Returns text lines with their boxes, so a value can be found under its label.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass

from PIL import Image, ImageOps

from attestations.ocr.config import FALLBACK_MODEL, TesseractConfig
from attestations.ocr.errors import OcrEngineError
from attestations.ocr.image import Gray
from attestations.ocr.tesseract import run_command

# Capital letters this tall (pixels) read best; the page is scaled to give them that.
TARGET_CAP_HEIGHT = 30


@dataclass(frozen=True, slots=True)
class TextLine:
    """A line of printed text, words joined by single spaces, with its box on the page."""

    text: str
    left: int
    top: int
    right: int
    bottom: int
    confidence: float

    @property
    def height(self) -> int:
        return self.bottom - self.top


def viz_command(config: TesseractConfig) -> list[str]:
    binary = shutil.which(config.binary)
    if binary is None:
        raise OcrEngineError(f"the tesseract binary {config.binary!r} was not found")
    return [
        binary, "stdin", "stdout",
        "-l", FALLBACK_MODEL,
        # Sparse text: labels and values here and there, no reading order to find.
        "--psm", "11",
        "-c", "tessedit_create_tsv=1",
        "-c", "tessedit_create_txt=0",
    ]  # fmt: skip


def parse_lines(tsv: str, *, scale: float) -> tuple[TextLine, ...]:
    """Tesseract's TSV words grouped by its own line numbers; boxes divided by ``scale``."""
    groups: dict[tuple[str, ...], list[tuple[str, float, int, int, int, int]]] = {}
    for row in tsv.splitlines()[1:]:
        columns = row.split("\t")
        if len(columns) < 12 or columns[0] != "5" or not columns[11].strip():
            continue
        try:
            left, top, width, height = (int(value) for value in columns[6:10])
            confidence = float(columns[10])
        except ValueError:
            continue
        groups.setdefault(tuple(columns[1:5]), []).append(
            (columns[11].strip(), confidence, left, top, left + width, top + height)
        )
    lines = []
    for words in groups.values():
        lines.append(
            TextLine(
                text=" ".join(word[0] for word in words),
                left=round(min(word[2] for word in words) / scale),
                top=round(min(word[3] for word in words) / scale),
                right=round(max(word[4] for word in words) / scale),
                bottom=round(max(word[5] for word in words) / scale),
                confidence=min(word[1] for word in words),
            )
        )
    return tuple(sorted(lines, key=lambda line: (line.top, line.left)))


def read_printed_text(
    pixels: Gray, *, cap_height: float, config: TesseractConfig
) -> tuple[TextLine, ...]:
    """The text lines of ``pixels`` (a page region), whose printed capitals are about
    ``cap_height`` pixels tall; boxes in the coordinates of ``pixels``."""
    image = Image.fromarray(pixels)
    scale = min(3.0, max(0.5, TARGET_CAP_HEIGHT / max(cap_height, 1.0)))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    image = ImageOps.autocontrast(image, cutoff=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    tsv = run_command(viz_command(config), buffer.getvalue(), config=config)
    return parse_lines(tsv, scale=scale)
