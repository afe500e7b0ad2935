"""Is the whole page in the photo, and is it the size its MRZ says?

The MRZ's width fixes the scale (see ``layout``), and so where the page's edges
must be. Two checks follow:

- **whole page**: that predicted page lies inside the image (a crop around the
  MRZ, or a photo that cuts off the portrait, fails);
- **proportions**: the page as it shows in the photo (the area of paper colour
  around the MRZ, told apart from the desk around it) is as wide and as tall,
  relative to the MRZ, as the document size requires. Where no edge can be told
  from its surroundings (a tight scan, a page on paper of its own colour) the
  image's own edge stands for it, which is why the upper limits are generous:
  a margin of desk the colour of the page is allowed, a sheet of A4 is not.
"""

from __future__ import annotations

import cv2
import numpy as np

from attestations.documents.layout import Box, PageLayout
from attestations.mrz import Check
from attestations.ocr.image import Gray

# The page may show this much smaller than the layout says (perspective, a worn
# edge) or this much larger (a margin of the page's own colour; for a passport, the
# facing page of the open booklet above the data page).
_TOLERANCE = 0.06
_MAX_WIDTH = 1.25
_MAX_HEIGHT = 1.3
_BOOKLET_HEIGHT = 2.3
# How far (grey levels, after a millimetre's blur) the paper may vary and still be page.
_PAPER_RANGE = 20
# Pixels per millimetre at which the page's outline is looked for.
_OUTLINE_SCALE = 2.0


def page_region(page: Gray, mrz: Box, scale: float) -> Box:
    """The area of the page's colour that holds the MRZ.

    ``scale`` is pixels per millimetre. The page colour is the MRZ's background;
    anything within a few levels of it, joined to the MRZ, is page.
    """
    factor = min(1.0, _OUTLINE_SCALE / max(scale, 1e-6))
    small = cv2.resize(page, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    # A millimetre's blur: text and guilloche dissolve into the paper's average.
    kernel = max(3, round(1.5 * _OUTLINE_SCALE) | 1)
    smooth = cv2.blur(small, (kernel, kernel)).astype(np.int16)
    left, top = round(mrz.left * factor), round(mrz.top * factor)
    right, bottom = round(mrz.right * factor), round(mrz.bottom * factor)
    inside = smooth[max(0, top) : max(top + 1, bottom), max(0, left) : max(left + 1, right)]
    paper = float(np.percentile(inside, 80))
    mask = (np.abs(smooth - paper) <= _PAPER_RANGE).astype(np.uint8)
    # The MRZ band itself is page, whatever its ink did to the average.
    mask[max(0, top) : max(top + 1, bottom), max(0, left) : max(left + 1, right)] = 1
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    seed_y = min(labels.shape[0] - 1, max(0, (top + bottom) // 2))
    seed_x = min(labels.shape[1] - 1, max(0, (left + right) // 2))
    label = labels[seed_y, seed_x]
    x, y, width, height = (int(value) for value in stats[label, :4])
    return Box(x / factor, y / factor, (x + width) / factor, (y + height) / factor)


def whole_page_check(page: Gray, layout: PageLayout, mrz: Box) -> Check:
    expected = layout.page(mrz)
    height, width = page.shape
    slack_x, slack_y = _TOLERANCE * expected.width, _TOLERANCE * expected.height
    inside = (
        expected.left >= -slack_x
        and expected.top >= -slack_y
        and expected.right <= width + slack_x
        and expected.bottom <= height + slack_y
    )
    if inside:
        return Check("page_whole", True, f"The whole {layout.name} is in the photo.")
    return Check(
        "page_whole",
        False,
        f"The photo cuts off part of the {layout.name}: step back until the whole page, "
        "with the photo of the holder and the lines at the bottom, is in the picture, "
        "with a little space around it.",
    )


def proportions_check(region: Box, layout: PageLayout, mrz: Box) -> Check:
    expected = layout.page(mrz)
    width_ratio = region.width / expected.width
    height_ratio = region.height / expected.height
    max_height = _BOOKLET_HEIGHT if layout.booklet else _MAX_HEIGHT
    fits = (
        1 - _TOLERANCE <= width_ratio <= _MAX_WIDTH and 1 - _TOLERANCE <= height_ratio <= max_height
    )
    if fits:
        return Check(
            "page_proportions", True, f"The page is the size of a {layout.name} for its lines."
        )
    return Check(
        "page_proportions",
        False,
        f"The page in the photo is not the shape of a {layout.name} for the lines printed on "
        f"it (it is {width_ratio:.2f} times as wide and {height_ratio:.2f} times as tall as "
        "the lines imply). Photograph the document itself, flat on a dark surface, "
        "filling most of the picture.",
    )
