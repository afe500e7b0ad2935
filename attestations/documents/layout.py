"""Where things are on a data page of each ICAO 9303 size, in millimetres.

The MRZ is printed at a fixed pitch (10 characters to the inch), so its width in
pixels is a ruler for the whole image: from it follow the page's size in pixels,
where its edges should be, how large the portrait is and how tall the glyphs.
Figures from ICAO Doc 9303 Parts 4 (TD3), 5 (TD1) and 6 (TD2), rounded; the
margins carry the tolerance the standard allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from attestations.mrz import MrzFormat

CHARACTER_PITCH_MM = 2.54
# The last glyph is narrower than a full pitch.
GLYPH_WIDTH_MM = 2.0


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in pixels: left, top, right, bottom (right and bottom exclusive)."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    def inset(self, share: float) -> Box:
        """The box shrunk by ``share`` of its width and height on every side."""
        dx, dy = share * self.width, share * self.height
        return Box(self.left + dx, self.top + dy, self.right - dx, self.bottom - dy)

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True, slots=True)
class PageLayout:
    """One document size: its page, where its MRZ sits, and where its portrait is.

    ``portrait`` is the zone (left, top, right, bottom, mm from the page's top left
    corner) where the holder's photo is printed; ``mrz_on_back``: a card's
    portrait and printed fields are on its front, the MRZ on its back, so both
    sides must be in the image; ``booklet``: the data page of an open booklet may
    show with the facing page above it.
    """

    name: str
    page_mm: tuple[float, float]
    characters: int
    mrz_left_mm: float
    mrz_bottom_mm: float
    portrait_mm: tuple[float, float, float, float]
    min_face_mm: float
    mrz_on_back: bool
    booklet: bool = False

    @property
    def mrz_width_mm(self) -> float:
        return (self.characters - 1) * CHARACTER_PITCH_MM + GLYPH_WIDTH_MM

    def pixels_per_mm(self, mrz: Box) -> float:
        return mrz.width / self.mrz_width_mm

    def page(self, mrz: Box) -> Box:
        """Where the page carrying the MRZ must be, given where its MRZ lines are."""
        scale = self.pixels_per_mm(mrz)
        left = mrz.left - self.mrz_left_mm * scale
        bottom = mrz.bottom + self.mrz_bottom_mm * scale
        return Box(left, bottom - self.page_mm[1] * scale, left + self.page_mm[0] * scale, bottom)

    def portrait_zone(self, mrz: Box) -> Box:
        page, scale = self.page(mrz), self.pixels_per_mm(mrz)
        left, top, right, bottom = self.portrait_mm
        return Box(
            page.left + left * scale,
            page.top + top * scale,
            page.left + right * scale,
            page.top + bottom * scale,
        )


LAYOUTS = {
    MrzFormat.TD3: PageLayout(
        name="passport data page",
        page_mm=(125.0, 88.0),
        characters=44,
        mrz_left_mm=6.0,
        mrz_bottom_mm=5.0,
        portrait_mm=(1.0, 6.0, 48.0, 72.0),
        min_face_mm=10.0,
        mrz_on_back=False,
        booklet=True,
    ),
    MrzFormat.TD2: PageLayout(
        name="identity document",
        page_mm=(105.0, 74.0),
        characters=36,
        mrz_left_mm=5.0,
        mrz_bottom_mm=5.0,
        portrait_mm=(1.0, 6.0, 42.0, 58.0),
        min_face_mm=9.0,
        mrz_on_back=False,
    ),
    MrzFormat.TD1: PageLayout(
        name="card",
        page_mm=(85.6, 54.0),
        characters=30,
        mrz_left_mm=4.7,
        mrz_bottom_mm=4.0,
        portrait_mm=(0.0, 0.0, 85.6, 54.0),
        min_face_mm=8.0,
        mrz_on_back=True,
    ),
}
