"""Decoding uploads: what a hostile or odd file does, and that photos come out upright."""

from __future__ import annotations

import io
import struct
import time
import zlib

import numpy as np
import pytest
from PIL import Image

from attestations.ocr import ImageRejectedError
from attestations.ocr.image import WORKING_LONG_SIDE, decode_grayscale
from tests.support.document_images import document_sample, with_exif_orientation

LIMITS = {"max_pixels": 50_000_000, "max_bytes": 25_000_000}


def _png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size; its pixel data is a few bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _rejected(data: bytes, **limits: int) -> ImageRejectedError:
    with pytest.raises(ImageRejectedError) as caught:
        decode_grayscale(data, **{**LIMITS, **limits})
    return caught.value


def test_garbage_bytes_are_refused_as_not_an_image() -> None:
    error = _rejected(b"this is not an image at all" * 10)

    assert error.code == "image_unreadable"
    assert "JPEG or PNG" in error.message


def test_an_empty_upload_is_refused() -> None:
    assert _rejected(b"").code == "image_unreadable"


def test_a_truncated_image_is_refused_as_damaged() -> None:
    whole = document_sample(1, kind="TD3", degraded=False).image

    error = _rejected(whole[: len(whole) // 3])

    assert error.code == "image_unreadable"


def test_a_decompression_bomb_is_refused_from_its_header_before_decoding() -> None:
    bomb = _png_header_claiming(60_000, 60_000)
    started = time.perf_counter()

    error = _rejected(bomb)

    assert error.code == "image_too_large"
    assert "more than the 50 megapixels we accept" in error.message
    assert time.perf_counter() - started < 1.0


def test_an_image_over_the_configured_megapixels_is_refused_with_its_size() -> None:
    image = document_sample(1, kind="TD1", degraded=False).image

    error = _rejected(image, max_pixels=100_000)

    assert error.code == "image_too_large"
    assert "1011 x 638 pixels, more than the 0.1 megapixels" in error.message


def test_a_file_over_the_byte_limit_is_refused_before_it_is_opened() -> None:
    assert _rejected(b"\xff" * 2_000, max_bytes=1_000).code == "image_too_large"


def test_a_photo_taken_sideways_is_turned_upright_by_its_exif_orientation() -> None:
    upright = document_sample(2, kind="TD3", degraded=False).image
    width, height = Image.open(io.BytesIO(upright)).size

    for orientation in (6, 8, 3):
        gray = decode_grayscale(with_exif_orientation(upright, orientation), **LIMITS)

        assert gray.shape == (height, width)
        # The MRZ (dark text) is at the bottom, as on the upright page.
        assert gray[-height // 6 :].mean() < gray[: height // 6].mean() + 40


def test_a_transparent_background_becomes_white_not_black() -> None:
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")

    gray = decode_grayscale(buffer.getvalue(), **LIMITS)

    assert gray.min() == 255


def test_a_sixteen_bit_scan_keeps_its_contrast() -> None:
    ramp = np.tile(np.linspace(0, 65535, 256, dtype=np.uint16), (50, 1))
    buffer = io.BytesIO()
    Image.fromarray(ramp).save(buffer, format="PNG")

    gray = decode_grayscale(buffer.getvalue(), **LIMITS)

    assert gray.min() == 0
    assert gray.max() == 255
    assert len(np.unique(gray)) > 200


def test_a_large_photo_is_reduced_to_the_working_resolution() -> None:
    big = Image.new("RGB", (5000, 3000), (200, 200, 200))
    buffer = io.BytesIO()
    big.save(buffer, format="JPEG", quality=70)

    gray = decode_grayscale(buffer.getvalue(), **LIMITS)

    assert max(gray.shape) <= WORKING_LONG_SIDE
    assert gray.shape[1] / gray.shape[0] == pytest.approx(5000 / 3000, rel=0.01)
