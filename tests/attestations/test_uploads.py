"""Uploaded files: the type comes from the content, and hostile files are refused early."""

from __future__ import annotations

import pytest

from attestations.uploads import PDF, PNG, UploadLimits, UploadRejected, inspect_upload
from tests.attestations import images

LIMITS = UploadLimits(
    max_bytes=1_000_000, max_pixels=4_000_000, max_dimension=4000, max_pdf_pages=3
)


def _refusal(data: bytes, limits: UploadLimits = LIMITS) -> str:
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(data, limits=limits)
    assert caught.value.code == "upload_rejected"
    assert "file" in caught.value.fields
    return caught.value.message


def test_a_png_is_recognised_by_its_content_and_measured() -> None:
    inspected = inspect_upload(images.png(300, 200), limits=LIMITS)
    assert (inspected.content_type, inspected.width, inspected.height) == (PNG, 300, 200)


def test_a_pdf_is_recognised_and_its_pages_counted() -> None:
    inspected = inspect_upload(images.pdf(pages=2), limits=LIMITS)
    assert (inspected.content_type, inspected.pages) == (PDF, 2)


def test_a_file_that_is_not_an_image_or_pdf_is_refused_whatever_it_is_called() -> None:
    assert "JPEG or PNG" in _refusal(b"MZ\x90\x00 this is a Windows program")
    assert "JPEG or PNG" in _refusal(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    assert "JPEG or PNG" in _refusal(b"GIF89a" + b"\x00" * 100)


def test_an_empty_file_is_refused() -> None:
    assert "empty" in _refusal(b"")


def test_an_oversized_file_is_refused_before_it_is_parsed() -> None:
    assert "MB" in _refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 1_000_001)


def test_an_image_with_too_many_pixels_is_refused() -> None:
    message = _refusal(images.png(2100, 2100))
    assert "pixels" in message


def test_an_image_with_a_side_too_long_is_refused() -> None:
    assert "each side" in _refusal(images.png(4001, 10))


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    bomb = images.png_bomb(3900, 3900)  # 15 megapixels claimed, over our 4 megapixel limit
    assert len(bomb) < 2000
    assert "15,210,000 pixels" in _refusal(bomb)


def test_a_bomb_within_our_limits_is_still_caught_by_pillows_guard() -> None:
    # Our own limits set absurdly high: Pillow's decompression-bomb check is the last line.
    generous = UploadLimits(
        max_bytes=1_000_000, max_pixels=10**12, max_dimension=10**6, max_pdf_pages=3
    )
    assert "far larger once decoded" in _refusal(images.png_bomb(100_000, 100_000), generous)


def test_a_truncated_image_is_refused() -> None:
    data = images.jpeg(400, 300)
    assert "damaged" in _refusal(data[: len(data) // 2])


def test_a_pdf_with_too_many_pages_is_refused() -> None:
    assert "4 pages" in _refusal(images.pdf(pages=4))


def test_a_damaged_pdf_is_refused() -> None:
    assert "PDF" in _refusal(b"%PDF-1.7\n this is not really a PDF at all")
