"""Is the photo good enough to check? Resolution, sharpness and glare, each with retake advice.

Every figure is taken where its meaning does not depend on the document's
design: resolution and sharpness on the MRZ (the same typeface on every
document), glare over the page the MRZ says is there.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from attestations.documents.layout import Box
from attestations.mrz import Check
from attestations.ocr.image import Gray
from attestations.ocr.locate import MrzRegion

# The MRZ crop is brought to this glyph height before its sharpness is measured, so
# that the figure compares one photo with another whatever their resolution.
_SHARPNESS_GLYPH_HEIGHT = 24
# A patch washed out by a reflection, after a 5 x 5 average; and the smallest one
# that counts, as a share of the card.
_CLIPPED = 253
_MIN_PATCH = 0.002


@dataclass(frozen=True, slots=True)
class QualityLimits:
    """Where a photo stops being usable (measured on generated pages, see bench/documents.py).

    ``min_glyph_height``: MRZ capitals at least this many pixels tall; below it the
    printed fields (smaller type) cannot be read. ``min_sharpness``: the variance
    of the Laplacian of the MRZ at a standard scale, divided by its contrast
    squared. ``max_glare``: the share of the page washed out to white;
    ``max_white``: above this share the whole page is white (overexposed, or a
    blank card with an MRZ on it).
    """

    min_glyph_height: float = 16.0
    min_sharpness: float = 0.03
    max_glare: float = 0.02
    max_white: float = 0.6


def sharpness(region: MrzRegion) -> float:
    """Variance of the Laplacian of the MRZ crop at a standard glyph height, per contrast²."""
    crop = region.pixels
    factor = _SHARPNESS_GLYPH_HEIGHT / max(region.glyph_height, 1.0)
    size = (max(1, round(crop.shape[1] * factor)), max(1, round(crop.shape[0] * factor)))
    scaled = cv2.resize(crop, size, interpolation=cv2.INTER_AREA).astype(np.float64)
    low, high = np.percentile(scaled, [5, 95])
    contrast = max(float(high - low), 16.0)
    laplacian = cv2.Laplacian(scaled / contrast, cv2.CV_64F)
    return float(laplacian.var())


def _saturated(pixels: Gray) -> npt.NDArray[np.uint8]:
    # A 4 x 4 box average first, so that sensor noise on light paper does not count
    # as saturation while a reflection (a bright patch) does.
    return (cv2.blur(pixels, (4, 4)) >= 250).astype(np.uint8)


def white_share(page: Gray, area: Box) -> float:
    """The share of ``area`` (clipped to the image) that is saturated white."""
    height, width = page.shape
    left, top = max(0, round(area.left)), max(0, round(area.top))
    right, bottom = min(width, round(area.right)), min(height, round(area.bottom))
    if right - left < 4 or bottom - top < 4:
        return 0.0
    return float(_saturated(page[top:bottom, left:right]).mean())


def bright_patches(page: Gray, card: Box) -> float:
    """Patches clipped to pure white anywhere in the image, relative to both sides of ``card``.

    For a card, whose front is somewhere beside its back: a reflection on either
    side clips to pure white, while white paper around the card is merely very
    light. Specks (noise) and white reaching the image's edge do not count.
    """
    clipped = (cv2.blur(page, (5, 5)) >= _CLIPPED).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(clipped, connectivity=8)
    height, width = page.shape
    area = max(2 * card.width * card.height, 1.0)
    inner = 0
    for label in range(1, count):
        x, y, w, h, size = (int(value) for value in stats[label])
        inside = x > 0 and y > 0 and x + w < width and y + h < height
        if inside and size >= _MIN_PATCH * area:
            inner += size
    return inner / area


def resolution_check(region: MrzRegion, limits: QualityLimits) -> Check:
    height = region.glyph_height
    if height >= limits.min_glyph_height:
        return Check("image_resolution", True, "The photo has enough detail to read the page.")
    return Check(
        "image_resolution",
        False,
        f"The photo is too small to check: the letters of the lines at the bottom are "
        f"{height:.0f} pixels tall and we need at least {limits.min_glyph_height:.0f}. "
        "Send the original photo rather than a screenshot, and hold the camera close "
        "enough that the page fills most of the picture.",
    )


def sharpness_check(value: float, limits: QualityLimits) -> Check:
    if value >= limits.min_sharpness:
        return Check("image_sharpness", True, "The photo is sharp.")
    return Check(
        "image_sharpness",
        False,
        "The photo is blurred: hold the camera still, tap the screen to focus on the page, "
        "and take the photo in good light.",
    )


def glare_check(share: float, limits: QualityLimits) -> Check:
    if share > limits.max_white:
        return Check(
            "image_glare",
            False,
            f"The page shows as plain white ({share:.0%} of it): a photo of a real page shows "
            "its printed background. Take the photo in even light without flash, and do not "
            "brighten or edit it.",
        )
    if share > limits.max_glare:
        return Check(
            "image_glare",
            False,
            f"Light reflects off part of the page ({share:.0%} of it is washed out): turn off "
            "the flash and tilt the document away from the lamp or window.",
        )
    return Check("image_glare", True, "No glare hides part of the page.")
