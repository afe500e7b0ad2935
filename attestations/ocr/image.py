"""Decode an uploaded image safely into an upright grayscale array."""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from attestations.ocr.errors import ImageRejectedError

# Enough resolution for MRZ glyphs of a whole-page photo; more only costs time.
WORKING_LONG_SIDE = 2400

Gray = npt.NDArray[np.uint8]


def _too_many_pixels(start: str, max_pixels: int) -> str:
    return (
        f"{start} more than the {max_pixels / 1_000_000:g} megapixels we accept. "
        "Send a smaller photo of the document."
    )


def _open(data: bytes, *, max_pixels: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    # The warning is caught too for runs where warnings are errors. (Changing the
    # warning filters here is not an option: they are process-wide, not per thread.)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        # Pillow's own guard fired while reading the header: far beyond our limit.
        raise ImageRejectedError(
            "image_too_large", _too_many_pixels("This image has", max_pixels)
        ) from None
    except UnidentifiedImageError:
        raise ImageRejectedError(
            "image_unreadable", "This file is not an image we can read; use a JPEG or PNG photo."
        ) from None
    except (OSError, ValueError, SyntaxError):
        raise ImageRejectedError(
            "image_unreadable", "This image file is damaged and cannot be read."
        ) from None
    width, height = image.size
    # Only the header has been read so far: refuse before any pixel is decoded.
    if width * height > max_pixels:
        raise ImageRejectedError(
            "image_too_large",
            _too_many_pixels(f"This image has {width} x {height} pixels,", max_pixels),
        )
    if width < 1 or height < 1:
        raise ImageRejectedError("image_unreadable", "This image has no pixels.")
    return image


def decode_grayscale(data: bytes, *, max_pixels: int, max_bytes: int) -> Gray:
    """Upright (EXIF orientation applied) 8-bit grayscale pixels, at most WORKING_LONG_SIDE."""
    if len(data) > max_bytes:
        raise ImageRejectedError(
            "image_too_large",
            f"This file is {len(data) / 1_000_000:.1f} MB; we accept up to "
            f"{max_bytes / 1_000_000:g} MB.",
        )
    image = _open(data, max_pixels=max_pixels)
    long_side = max(image.size)
    if image.format == "JPEG" and long_side > WORKING_LONG_SIDE:
        # Let the JPEG decoder skip detail we would throw away anyway.
        factor = WORKING_LONG_SIDE / long_side
        image.draft("L", (round(image.width * factor), round(image.height * factor)))
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            backdrop = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image = Image.alpha_composite(backdrop, image.convert("RGBA"))
        if image.mode.startswith("I"):
            # 16- and 32-bit scans: stretch to 8 bits rather than clip to white.
            wide = np.asarray(image, dtype=np.float64)
            span = max(float(wide.max() - wide.min()), 1.0)
            gray = Image.fromarray(((wide - wide.min()) * (255.0 / span)).astype(np.uint8))
        else:
            gray = image.convert("L")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ImageRejectedError(
            "image_unreadable", "This image file is damaged and cannot be read."
        ) from None
    if max(gray.size) > WORKING_LONG_SIDE:
        gray.thumbnail((WORKING_LONG_SIDE, WORKING_LONG_SIDE), Image.Resampling.BOX)
    return np.asarray(gray, dtype=np.uint8)
