"""Finding the MRZ lines in a page: how many, how tilted, and nothing where there is none."""

from __future__ import annotations

import numpy as np
import pytest

from attestations.ocr.image import decode_grayscale
from attestations.ocr.locate import locate_mrz
from tests.support.document_images import document_sample, render_without_mrz

LIMITS = {"max_pixels": 50_000_000, "max_bytes": 25_000_000}


@pytest.mark.parametrize("kind", ["TD3", "TD1"])
@pytest.mark.parametrize("seed", range(4))
def test_the_mrz_lines_of_a_degraded_photo_are_found_and_counted(kind: str, seed: int) -> None:
    sample = document_sample(seed, kind=kind, degraded=True)  # type: ignore[arg-type]

    region = locate_mrz(decode_grayscale(sample.image, **LIMITS))

    assert region is not None
    assert region.line_count == len(sample.lines)


@pytest.mark.parametrize("seed", range(6))
def test_the_skew_is_measured_to_a_fraction_of_a_degree(seed: int) -> None:
    sample = document_sample(seed, kind="TD3", degraded=True)

    region = locate_mrz(decode_grayscale(sample.image, **LIMITS))

    assert region is not None
    # The page was turned counter-clockwise by the rotation; the fix turns it back.
    assert region.skew_degrees == pytest.approx(-sample.degradation.rotation_degrees, abs=0.3)


def test_an_upright_scan_is_not_turned() -> None:
    sample = document_sample(3, kind="TD1", degraded=False)

    region = locate_mrz(decode_grayscale(sample.image, **LIMITS))

    assert region is not None
    assert region.skew_degrees == 0.0


def test_the_crop_holds_the_lines_and_little_else() -> None:
    sample = document_sample(5, kind="TD3", degraded=False)

    region = locate_mrz(decode_grayscale(sample.image, **LIMITS))

    assert region is not None
    height, width = region.pixels.shape
    assert 25 <= region.glyph_height <= 40  # OCR-B at 300 dpi
    assert height < 5 * region.glyph_height
    assert 1320 <= width <= 1320 + 2 * region.glyph_height  # 44 characters at 10 per inch


@pytest.mark.parametrize("seed", range(3))
def test_a_card_without_an_mrz_yields_no_region(seed: int) -> None:
    assert locate_mrz(decode_grayscale(render_without_mrz(seed=seed), **LIMITS)) is None


def test_pure_noise_yields_no_region() -> None:
    noise = np.random.default_rng(7).integers(0, 256, size=(900, 1200), dtype=np.uint8)

    assert locate_mrz(noise) is None


@pytest.mark.parametrize("size", [(1, 1), (3, 5000), (4000, 3)])
def test_degenerate_image_sizes_yield_no_region(size: tuple[int, int]) -> None:
    assert locate_mrz(np.zeros(size, dtype=np.uint8)) is None


def test_the_same_seed_renders_the_same_document() -> None:
    first = document_sample(11, kind="TD1", degraded=True)
    second = document_sample(11, kind="TD1", degraded=True)

    assert first == second
    assert first.image != document_sample(12, kind="TD1", degraded=True).image
