"""Find the MRZ text lines in a page: deskew by projection profiles, then pick aligned lines.

The MRZ is two or three monospaced lines of equal length, left-aligned, evenly
spaced, at the bottom of the document. After deskewing, each text line is a
band of rows with ink; the MRZ is the lowest run of bands that look alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from attestations.ocr.image import Gray

Mask = npt.NDArray[np.bool_]
Affine = tuple[float, float, float, float, float, float]


@dataclass(frozen=True, slots=True)
class MrzRegion:
    """The deskewed crop around the MRZ lines, grayscale, with what was measured."""

    pixels: Gray
    line_count: int
    glyph_height: float
    skew_degrees: float
    # Where the lines are (left, top, right, bottom) on the page turned by ``skew_degrees``
    # (see :func:`upright_page`), and that page's size: the ruler for the rest of the page.
    box: tuple[int, int, int, int] = (0, 0, 0, 0)
    page_size: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class _Band:
    top: int
    bottom: int  # exclusive
    left: int
    right: int  # exclusive
    glyphs: int

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def looks_like_mrz_line(self) -> bool:
        # 30 or 44 monospaced glyphs, each about as wide as the line is high.
        return self.height >= 6 and self.glyphs >= 20 and self.right - self.left >= 18 * self.height


def ink_mask(gray: Gray) -> Mask:
    """Pixels clearly darker than their surroundings: text strokes, not a dark desk."""
    # Each pixel as the sum of its 3 x 3 neighbourhood, which tames sensor noise.
    padded = np.pad(gray, 1, mode="edge").astype(np.int32)
    rows = padded[:, :-2] + padded[:, 1:-1] + padded[:, 2:]
    smooth = rows[:-2] + rows[1:-1] + rows[2:]
    # The surroundings vary slowly, so they are measured on a page a quarter the size.
    page = Image.fromarray(gray)
    small = page.reduce(4) if min(page.size) >= 64 else page
    window = max(2, min(small.size) // 25)
    local = np.asarray(
        small.filter(ImageFilter.BoxBlur(window)).resize(page.size, Image.Resampling.BILINEAR),
        dtype=np.int32,
    )
    low, high = np.percentile(gray[::4, ::4], [1, 99])
    offset = max(10, round(0.15 * float(high - low)))
    result: Mask = smooth < 9 * (local - offset)
    return result


def estimate_skew(ink: Mask) -> float:
    """The angle (degrees, within 8 either way) at which rows of ink line up best.

    Lines of text tilted by this angle give the sharpest row projection: the
    largest sum of squared ink counts per row.
    """
    ys, xs = np.nonzero(ink)
    if ys.size < 200:
        return 0.0
    stride = max(1, ys.size // 40_000)
    ys_f = ys[::stride].astype(np.float64)
    xs_f = xs[::stride].astype(np.float64) - float(ink.shape[1]) / 2

    def sharpness(angle: float) -> float:
        rows = np.round(ys_f - xs_f * math.tan(math.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min()).astype(np.float64)
        return float((counts * counts).sum())

    # Coarse to fine: 1 degree steps, then 0.2 and 0.05 around the best so far. The
    # peak is about a degree wide (glyph height over line length), so none is missed.
    # Angles nearest zero come first, so that ties go to the smaller correction.
    angle = 0.0
    for step, reach in ((1.0, 8), (0.2, 5), (0.05, 4)):
        candidates = sorted((angle + step * index for index in range(-reach, reach + 1)), key=abs)
        angle = max(candidates, key=sharpness)
    return round(angle, 2) + 0.0  # never -0.0


def _runs(active: npt.NDArray[np.bool_], *, max_gap: int = 0) -> list[tuple[int, int]]:
    """[start, end) of runs of True, bridging gaps of up to ``max_gap`` False values."""
    runs: list[tuple[int, int]] = []
    edges = np.diff(np.concatenate(([0], active.astype(np.int8), [0])))
    for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if runs and start - runs[-1][1] <= max_gap:
            runs[-1] = (runs[-1][0], int(end))
        else:
            runs.append((int(start), int(end)))
    return runs


def _text_run(glyph_runs: list[tuple[int, int]], height: int) -> list[tuple[int, int]]:
    """The longest stretch of glyphs without a wide space: MRZ text has no spaces, and
    this drops the edge of the page or a photo beside the line."""
    best: list[tuple[int, int]] = []
    current: list[tuple[int, int]] = []
    for run in glyph_runs:
        if current and run[0] - current[-1][1] > 2 * height:
            current = []
        current.append(run)
        if len(current) > len(best):
            best = current
    return best


def _continues(ink: Mask, top: int, bottom: int, start: int, end: int) -> bool:
    reach = max(2, (bottom - top) // 3)
    above = ink[max(0, top - reach) : top, start:end]
    below = ink[bottom : bottom + reach, start:end]
    return bool(above.size and below.size and above.mean() > 0.25 and below.mean() > 0.25)


def _bands(ink: Mask) -> list[_Band]:
    # Counting ink/paper transitions rather than ink makes solid shapes (a photo,
    # the shadow at the edge of the page) count for little and text for much.
    transitions = (ink[:, 1:] != ink[:, :-1]).sum(axis=1)
    # Most rows hold no text; what they show (noise, ragged page edges) sets the floor.
    threshold = max(12.0, 3.0 * float(np.median(transitions)))
    bands = []
    for top, bottom in _runs(transitions >= threshold, max_gap=1):
        height = bottom - top
        columns = ink[top:bottom].sum(axis=0) >= 2
        glyph_runs = [
            (start, end)
            for start, end in _runs(columns)
            # Wider than two glyphs is not text, nor is ink that goes on above and
            # below the line (the edge of the page, a frame).
            if 2 <= end - start <= 2 * height and not _continues(ink, top, bottom, start, end)
        ]
        text = _text_run(glyph_runs, height)
        if text:
            bands.append(
                _Band(top=top, bottom=bottom, left=text[0][0], right=text[-1][1], glyphs=len(text))
            )
    return bands


def _alike(upper: _Band, lower: _Band) -> bool:
    height = max(upper.height, lower.height)
    pitch = lower.top - upper.top
    return (
        abs(upper.height - lower.height) <= 0.35 * height
        and 1.2 * height <= pitch <= 3.2 * height
        and abs(upper.left - lower.left) <= 2 * height
        and abs(upper.right - lower.right) <= 2.5 * height
    )


def _mrz_lines(bands: list[_Band]) -> list[_Band]:
    """The lowest run of two or three alike MRZ-looking bands (three when there are three)."""
    chains: list[list[_Band]] = []
    for band in bands:
        if not band.looks_like_mrz_line():
            continue
        if chains and _alike(chains[-1][-1], band):
            chains[-1].append(band)
        else:
            chains.append([band])
    for chain in reversed(chains):
        if len(chain) >= 2:
            return chain[-3:] if len(chain) >= 3 else chain
    return []


def _rotation(size: tuple[int, int], degrees: float) -> tuple[tuple[int, int], Affine]:
    """Canvas size and output-to-input affine map of a counter-clockwise rotation."""
    width, height = size
    theta = math.radians(degrees)
    cos, sin = math.cos(theta), math.sin(theta)
    out_width = math.ceil(abs(width * cos) + abs(height * sin))
    out_height = math.ceil(abs(width * sin) + abs(height * cos))
    cx, cy, ocx, ocy = width / 2, height / 2, out_width / 2, out_height / 2
    return (out_width, out_height), (
        cos, -sin, cx - cos * ocx + sin * ocy,
        sin, cos, cy - sin * ocx - cos * ocy,
    )  # fmt: skip


def _shifted(matrix: Affine, x0: float, y0: float) -> Affine:
    a, b, c, d, e, f = matrix
    return (a, b, c + a * x0 + b * y0, d, e, f + d * x0 + e * y0)


def locate_mrz(gray: Gray) -> MrzRegion | None:
    """The MRZ lines of an upright page image, deskewed and cropped; None when there are none."""
    ink = ink_mask(gray)
    skew = estimate_skew(ink)
    size, matrix = _rotation((gray.shape[1], gray.shape[0]), skew)
    # Turning the ink mask rather than the page saves finding the ink twice.
    upright_ink = Image.fromarray(ink).transform(
        size, Image.Transform.AFFINE, matrix, Image.Resampling.NEAREST
    )
    lines = _mrz_lines(_bands(np.asarray(upright_ink, dtype=np.bool_)))
    if not lines:
        return None
    height = float(np.median([line.height for line in lines]))
    # Margins of half a glyph: enough white for the OCR engine, little of the desk.
    top = max(0, round(lines[0].top - 0.6 * height))
    bottom = min(size[1], round(lines[-1].bottom + 0.6 * height))
    left = max(0, round(min(line.left for line in lines) - 0.5 * height))
    right = min(size[0], round(max(line.right for line in lines) + 0.5 * height))
    # Cut the crop from the original pixels, turned with a sharp filter.
    page = Image.fromarray(gray)
    background = int(np.percentile(gray[::4, ::4], 90))
    crop = page.transform(
        (right - left, bottom - top),
        Image.Transform.AFFINE,
        _shifted(matrix, left, top),
        Image.Resampling.BICUBIC,
        fillcolor=background,
    )
    return MrzRegion(
        pixels=np.asarray(crop, dtype=np.uint8),
        line_count=len(lines),
        glyph_height=height,
        skew_degrees=skew,
        box=(
            min(line.left for line in lines),
            lines[0].top,
            max(line.right for line in lines),
            lines[-1].bottom,
        ),
        page_size=size,
    )


def upright_page(gray: Gray, region: MrzRegion) -> Gray:
    """The whole page turned as the MRZ crop was, so ``region.box`` is where the lines are."""
    size, matrix = _rotation((gray.shape[1], gray.shape[0]), region.skew_degrees)
    if region.skew_degrees == 0:
        return gray
    # The corners the turn uncovers take the colour of the image's edge (the desk, or
    # the page itself in a tight scan), so they neither add to nor cut into the page.
    edge = np.concatenate((gray[0], gray[-1], gray[:, 0], gray[:, -1]))
    background = int(np.median(edge))
    turned = Image.fromarray(gray).transform(
        size, Image.Transform.AFFINE, matrix, Image.Resampling.BILINEAR, fillcolor=background
    )
    return np.asarray(turned, dtype=np.uint8)
