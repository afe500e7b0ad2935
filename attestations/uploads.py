"""Inspecting an uploaded document file before anything else touches it.

The type is decided by the file's first bytes, never by its name or the
Content-Type the client sent. Images are measured from their header before
they are decoded, so a small file that would inflate to gigapixels (a
decompression bomb) is refused without allocating it; PDFs are opened only
to count their pages.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from idverify.errors import ValidationFailed

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"%PDF-", PDF),
)
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}


class UploadRejected(ValidationFailed):
    code = "upload_rejected"
    default_message = "The file cannot be accepted."


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_pixels: int
    max_dimension: int
    max_pdf_pages: int


@dataclass(frozen=True)
class InspectedFile:
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    pages: int | None = None


def _reject(message: str) -> UploadRejected:
    return UploadRejected(message, fields={"file": [message]})


def sniff(data: bytes) -> str | None:
    """The content type the leading bytes announce, or None."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    return None


def _inspect_image(data: bytes, content_type: str, limits: UploadLimits) -> InspectedFile:
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice its limit; here a warning is a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if image.format != _PILLOW_FORMATS[content_type]:
                    raise _reject("The file's content does not match its image format.")
                if width > limits.max_dimension or height > limits.max_dimension:
                    raise _reject(
                        f"The image is {width} x {height} pixels; each side may be at most "
                        f"{limits.max_dimension}. Scan at a lower resolution."
                    )
                if width * height > limits.max_pixels:
                    raise _reject(
                        f"The image has {width * height:,} pixels; at most "
                        f"{limits.max_pixels:,} are accepted. Scan at a lower resolution."
                    )
                # Only now, with the size known to be sane, decode every pixel.
                image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _reject(
                "The image would be far larger once decoded than its file size suggests; "
                "it was refused."
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise _reject("The image is damaged or incomplete; take a new photo or scan.") from None
    return InspectedFile(content_type, len(data), width=width, height=height)


def _inspect_pdf(data: bytes, limits: UploadLimits) -> InspectedFile:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _reject("The PDF is password-protected; upload an unprotected copy.")
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError):
        raise _reject("The PDF is damaged and cannot be read.") from None
    if pages < 1:
        raise _reject("The PDF has no pages.")
    if pages > limits.max_pdf_pages:
        raise _reject(
            f"The PDF has {pages} pages; at most {limits.max_pdf_pages} are accepted. "
            "Upload only the pages of the document."
        )
    return InspectedFile(PDF, len(data), pages=pages)


# Room for the other form fields and multipart framing around the file.
_REQUEST_OVERHEAD = 256 * 1024


def refuse_oversized_request(content_length: object, *, limits: UploadLimits) -> None:
    """Refuse from the Content-Length header, before a huge body is read and spooled."""
    try:
        length = int(str(content_length))
    except ValueError:
        return
    if length > limits.max_bytes + _REQUEST_OVERHEAD:
        raise _reject(
            f"The upload is {length / 1_048_576:.1f} MB; at most "
            f"{limits.max_bytes / 1_048_576:.0f} MB is accepted."
        )


def inspect_upload(data: bytes, *, limits: UploadLimits) -> InspectedFile:
    """Accept a JPEG, PNG or PDF within the limits; raise UploadRejected otherwise."""
    if not data:
        raise _reject("The file is empty.")
    if len(data) > limits.max_bytes:
        raise _reject(
            f"The file is {len(data) / 1_048_576:.1f} MB; at most "
            f"{limits.max_bytes / 1_048_576:.0f} MB is accepted."
        )
    content_type = sniff(data)
    if content_type is None:
        raise _reject(
            "Upload a photo or scan as JPEG or PNG, or a PDF; this file is none of those."
        )
    if content_type == PDF:
        return _inspect_pdf(data, limits)
    return _inspect_image(data, content_type, limits)
