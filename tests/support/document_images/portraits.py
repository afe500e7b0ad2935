"""Portraits for synthetic data pages: real photographs of faces shipped inside scikit-image.

``skimage.data.lfw_subset()`` holds 100 small face crops from Labeled Faces in
the Wild (and 100 crops that are not faces); ``skimage.data.astronaut()`` is a
public-domain NASA portrait. Both come with the package, so no download is
needed. A crop is enlarged, set on a plain backdrop with a feathered edge, and
given head-and-shoulders shading, as on a passport photo.
"""

from __future__ import annotations

import random
from functools import cache

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter, ImageOps

FACE_COUNT = 100


@cache
def _faces() -> npt.NDArray[np.float64]:
    from skimage import data

    faces: npt.NDArray[np.float64] = data.lfw_subset()[:FACE_COUNT]  # type: ignore[no-untyped-call]
    return faces


@cache
def _astronaut() -> Image.Image:
    from skimage import data

    # Her face and shoulders, as a passport photo frames them.
    photo = data.astronaut()  # type: ignore[no-untyped-call]
    return Image.fromarray(photo).crop((120, 20, 320, 280))


def _face_crop(index: int) -> Image.Image:
    pixels = (_faces()[index % FACE_COUNT] * 255).astype(np.uint8)
    return Image.fromarray(pixels).convert("RGB")


def portrait(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A head-and-shoulders photograph filling ``size`` (width, height), in colour or grey."""
    width, height = size
    backdrop = tuple(rng.randint(200, 235) for _ in range(3))
    photo = Image.new("RGB", size, backdrop)
    if rng.random() < 0.2:
        subject = _astronaut().resize(size, Image.Resampling.LANCZOS)
        photo = subject
    else:
        draw = ImageDraw.Draw(photo)
        clothes = tuple(rng.randint(30, 90) for _ in range(3))
        # Shoulders, then the head's outline (hair) around where the face goes.
        draw.ellipse([-width // 4, round(height * 0.72), width * 5 // 4, height * 2], fill=clothes)
        hair = tuple(rng.randint(20, 110) for _ in range(3))
        face_width = round(width * rng.uniform(0.62, 0.72))
        face_left = (width - face_width) // 2 + rng.randint(-width // 20, width // 20)
        face_top = round(height * rng.uniform(0.18, 0.24))
        draw.ellipse(
            [face_left - width // 12, face_top - height // 8,
             face_left + face_width + width // 12, face_top + face_width + height // 10],
            fill=hair,
        )  # fmt: skip
        face = _face_crop(rng.randrange(FACE_COUNT)).resize(
            (face_width, face_width), Image.Resampling.BICUBIC
        )
        if rng.random() < 0.5:
            face = ImageOps.mirror(face)
        mask = Image.new("L", face.size, 0)
        ImageDraw.Draw(mask).ellipse([0, 0, face_width - 1, face_width - 1], fill=255)
        mask = mask.filter(ImageFilter.GaussianBlur(face_width / 14))
        photo.paste(face, (face_left, face_top), mask)
    if rng.random() < 0.3:
        photo = ImageOps.grayscale(photo).convert("RGB")
    return photo
