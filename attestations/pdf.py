"""Rendering page 1 of a PDF to an image with poppler's ``pdftoppm`` (optional).

Without poppler-utils installed, a PDF document goes to a compliance officer
instead of being read automatically.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

RENDER_DPI = 300
TIMEOUT_SECONDS = 60


def pdftoppm_available() -> bool:
    return shutil.which("pdftoppm") is not None


def render_first_page(data: bytes) -> bytes | None:
    """PNG bytes of page 1, or None when poppler is missing or the PDF will not render."""
    binary = shutil.which("pdftoppm")
    if binary is None:
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
                    str(RENDER_DPI),
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
