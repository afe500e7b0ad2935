"""Is there a face where the document's portrait should be? OpenCV's frontal-face detector.

The detector is OpenCV's Haar cascade for frontal faces (Viola-Jones), whose
model file ships inside the ``opencv-python-headless`` wheel: nothing is
downloaded at run time. It runs on the portrait zone only (the left part of a
passport data page; anywhere beside the card's back for a card, whose portrait
is on its front), at a fixed number of pixels per millimetre, and a face counts
only if it is as large as a printed portrait's face.

This proves a face is printed there, nothing more: not whose face it is, nor
that it is the original photo (see docs/onboarding.md).
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np

from attestations.documents.layout import Box, PageLayout
from attestations.mrz import Check
from attestations.ocr.image import Gray

# Pixels per millimetre at which faces are looked for: a 10 mm face is 50 pixels,
# twice the detector's smallest window.
_SEARCH_SCALE = 5.0
# Overlapping detections needed to count a face: fewer miss faces in small or grey
# portraits, more let textures pass for faces (measured in bench/documents.py).
_MIN_NEIGHBOURS = 4
# A printed portrait's face (the detector's box: brows to mouth) is at most this wide.
_MAX_FACE_MM = 40.0


@cache
def _detector() -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
    detector = cv2.CascadeClassifier(path)
    if detector.empty():
        raise RuntimeError(f"the face detector's model could not be loaded from {path}")
    return detector


def _clip(box: Box, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    height, width = shape[:2]
    return (
        max(0, round(box.left)),
        max(0, round(box.top)),
        min(width, round(box.right)),
        min(height, round(box.bottom)),
    )


def find_faces(page: Gray, zone: Box, *, pixels_per_mm: float, min_face_mm: float) -> list[Box]:
    """Faces in ``zone`` of ``page`` at least ``min_face_mm`` wide, in page coordinates."""
    left, top, right, bottom = _clip(zone, page.shape)
    if right - left < 8 or bottom - top < 8:
        return []
    factor = min(1.0, _SEARCH_SCALE / max(pixels_per_mm, 1e-6))
    crop = page[top:bottom, left:right]
    small = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    scale = pixels_per_mm * factor
    min_side = max(24, round(min_face_mm * scale))
    max_side = max(min_side + 1, round(_MAX_FACE_MM * scale))
    found = _detector().detectMultiScale(
        small, scaleFactor=1.1, minNeighbors=_MIN_NEIGHBOURS, minSize=(min_side, min_side),
        maxSize=(max_side, max_side),
    )  # fmt: skip
    return [
        Box(left + x / factor, top + y / factor, left + (x + w) / factor, top + (y + h) / factor)
        for x, y, w, h in np.asarray(found).reshape(-1, 4).tolist()
    ]


def portrait_zone(page: Gray, layout: PageLayout, mrz: Box) -> tuple[Gray, Box]:
    """The page with the zone to search: for a card, everything but the side with the MRZ."""
    if not layout.mrz_on_back:
        return page, layout.portrait_zone(mrz)
    back = layout.page(mrz)
    left, top, right, bottom = _clip(back, page.shape)
    masked = page.copy()
    masked[top:bottom, left:right] = int(np.median(page))
    return masked, Box(0, 0, page.shape[1], page.shape[0])


def portrait_check(page: Gray, layout: PageLayout, mrz: Box) -> tuple[Check, int]:
    """Whether a face is printed where the portrait belongs; and how many faces were found."""
    searched, zone = portrait_zone(page, layout, mrz)
    faces = find_faces(
        searched, zone, pixels_per_mm=layout.pixels_per_mm(mrz), min_face_mm=layout.min_face_mm
    )
    if faces:
        return Check("portrait_present", True, "A portrait is printed on the document."), len(faces)
    where = (
        "on the front of the card (photograph or scan both sides in one picture)"
        if layout.mrz_on_back
        else "on the left of the page"
    )
    return (
        Check(
            "portrait_present",
            False,
            f"We found no photo of a face {where}. Send a photo of the page that carries the "
            "holder's portrait, with the portrait uncovered and free of glare.",
        ),
        0,
    )
