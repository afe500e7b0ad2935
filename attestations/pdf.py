"""Rendering page 1 of a PDF to an image with poppler's ``pdftoppm`` (optional).

Without poppler-utils installed, a PDF document goes to a compliance officer
instead of being read automatically.
"""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

RENDER_DPI = 300
# Below this a page is too large to read an MRZ from once it fits the pixel limits.
MIN_DPI = 72
TIMEOUT_SECONDS = 60
POINTS_PER_INCH = 72.0


def pdftoppm_available() -> bool:
    return shutil.which("pdftoppm") is not None


def render_dpi(data: bytes, *, max_dimension: int, max_pixels: int) -> int | None:
    """The resolution to render page 1 at: 300 dpi, lower for a page so large that the
    image would pass the upload pixel limits (a 1 KB PDF can declare a page of metres,
    which pdftoppm would render in full); None when the page is too large or unreadable."""
    try:
        page = PdfReader(io.BytesIO(data), strict=False).pages[0]
        unit = float(page.user_unit or 1)
        width = abs(float(page.mediabox.width)) * unit / POINTS_PER_INCH
        height = abs(float(page.mediabox.height)) * unit / POINTS_PER_INCH
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        return None
    if not (width > 0 and height > 0) or not math.isfinite(width * height):
        return None
    dpi = min(
        RENDER_DPI,
        math.floor(max_dimension / max(width, height)),
        math.floor(math.sqrt(max_pixels / (width * height))),
    )
    return dpi if dpi >= MIN_DPI else None


def render_first_page(data: bytes, *, max_dimension: int, max_pixels: int) -> bytes | None:
    """PNG bytes of page 1 within the pixel limits, or None when poppler is missing, the
    page is too large, or the PDF will not render."""
    binary = shutil.which("pdftoppm")
    if binary is None:
        return None
    dpi = render_dpi(data, max_dimension=max_dimension, max_pixels=max_pixels)
    if dpi is None:
        return None
    with tempfile.TemporaryDirectory(prefix="idv-pdf-") as workdir:
        source = Path(workdir) / "in.pdf"
        source.write_bytes(data)
        target = Path(workdir) / "page"
        try:
            subprocess.run(  # noqa: S603 - fixed binary, arguments we build
                [
                    binary,
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-r",
                    str(dpi),
                    "-png",
                    "-singlefile",
                    str(source),
                    str(target),
                ],
                check=True,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            return None
        rendered = target.with_suffix(".png")
        return rendered.read_bytes() if rendered.exists() else None
