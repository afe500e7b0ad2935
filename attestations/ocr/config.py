"""Which tesseract and which model: the MRZ-trained model when the operator supplies it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

MRZ_MODEL = "mrz"
FALLBACK_MODEL = "eng"


@dataclass(frozen=True, slots=True)
class TesseractConfig:
    """How to run tesseract.

    ``tessdata_dir`` is a directory holding ``mrz.traineddata``; without it (or
    without the file in it) the reader falls back to the system's ``eng`` model,
    which reads MRZs poorly, so more documents go to manual entry.
    ``glyph_heights``: the first two passes run in parallel, later ones only
    when those two did not agree.
    """

    binary: str = "tesseract"
    tessdata_dir: Path | None = None
    timeout_seconds: float = 20.0
    max_pixels: int = 50_000_000
    max_bytes: int = 25_000_000
    glyph_heights: tuple[int, ...] = (24, 32, 28)
    # Below this (tesseract's 0-100 word confidence) a line is doubtful. Measured on
    # generated documents with the MRZ model: about 1 % of correct lines fall below
    # 75, most misread ones do.
    min_line_confidence: float = 75.0

    def __post_init__(self) -> None:
        if len(self.glyph_heights) < 2:
            raise ValueError("two glyph heights at least: a reading is accepted when two agree")
        if self.timeout_seconds <= 0 or self.max_pixels <= 0 or self.max_bytes <= 0:
            raise ValueError("timeouts and size limits must be positive")
        if not 0 <= self.min_line_confidence <= 100:
            raise ValueError("min_line_confidence is a percentage (0-100)")


@dataclass(frozen=True, slots=True)
class Model:
    """The tesseract language to pass with ``-l`` and the ``--tessdata-dir`` it needs."""

    name: str
    tessdata_dir: Path | None


def select_model(config: TesseractConfig) -> Model:
    if (
        config.tessdata_dir is not None
        and (config.tessdata_dir / f"{MRZ_MODEL}.traineddata").is_file()
    ):
        return Model(MRZ_MODEL, config.tessdata_dir)
    return Model(FALLBACK_MODEL, None)


def model_info(config: TesseractConfig) -> dict[str, str | bool | None]:
    """Which OCR model is in use and whether it can run, for the readiness report."""
    model = select_model(config)
    binary = shutil.which(config.binary)
    if binary is None:
        reason = f"the tesseract binary {config.binary!r} was not found"
    elif model.name == MRZ_MODEL:
        reason = "MRZ-trained model"
    elif config.tessdata_dir is None:
        reason = "no MRZ model configured; using the general English model"
    else:
        reason = f"no {MRZ_MODEL}.traineddata in {config.tessdata_dir}; using the English model"
    return {
        "engine": "tesseract",
        "binary": binary,
        "model": model.name,
        "tessdata_dir": str(model.tessdata_dir) if model.tessdata_dir else None,
        "available": binary is not None,
        "detail": reason,
    }
