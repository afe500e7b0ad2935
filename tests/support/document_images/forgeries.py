"""Images that carry a valid MRZ but are not usable photos of a document.

Each kind is what an attacker (or an unlucky person) sends and the check that
must catch it:

- ``mrz_only``: the attack from the Assurance issue, a white image made with
  Pillow carrying a U.S. passport MRZ with hand-computed check digits;
- ``printed_mismatch``: a real-looking page whose printed name, number or date
  differs from its MRZ;
- ``no_portrait``: a data page without the holder's photo;
- ``tiny``: a screenshot-sized image of a page;
- ``blurred``: a page photographed out of focus;
- ``glare``: a page with a reflection washing out part of it;
- ``cropped``: only the bottom of the page, around the MRZ.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, replace
from typing import Literal

from PIL import Image, ImageDraw, ImageFilter

from tests.support.document_images import encode, td3_lines
from tests.support.document_images.data_pages import (
    SURNAMES,
    DataPage,
    draw_mrz,
    honest_degradation,
    photograph,
    random_data_page,
    render_page,
)

ForgeryKind = Literal[
    "mrz_only", "printed_mismatch", "no_portrait", "tiny", "blurred", "glare", "cropped"
]
FORGERY_KINDS: tuple[ForgeryKind, ...] = (
    "mrz_only", "printed_mismatch", "no_portrait", "tiny", "blurred", "glare", "cropped",
)  # fmt: skip
# The check that must fail for each kind (others may fail too).
EXPECTED_FAILURE: dict[ForgeryKind, str] = {
    "mrz_only": "portrait_present",
    "printed_mismatch": "printed_",
    "no_portrait": "portrait_present",
    "tiny": "image_resolution",
    "blurred": "image_sharpness",
    "glare": "image_glare",
    "cropped": "page_whole",
}


@dataclass(frozen=True, slots=True)
class Forgery:
    kind: ForgeryKind
    page: DataPage
    image: bytes
    detail: str = ""


def mrz_only_image(lines: tuple[str, ...], *, size: tuple[int, int] = (1476, 1039)) -> bytes:
    """A white PNG with nothing but ``lines`` printed at the bottom in OCR-B."""
    image = Image.new("RGB", size, "white")
    height_mm = size[1] / 300 * 25.4
    draw_mrz(ImageDraw.Draw(image), lines, left_mm=6.0, bottom_mm=height_mm - 5.0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _mismatch(page: DataPage, rng: random.Random) -> tuple[DataPage, str]:
    which = rng.choice(("surname", "number", "birth"))
    printed = page.printed
    if which == "surname":
        other = rng.choice([shown for shown, mrz in SURNAMES if mrz != page.data.surname])
        printed = replace(printed, surname=other)
    elif which == "number":
        number = list(page.printed.number)
        for index in rng.sample(range(len(number)), 2):
            number[index] = rng.choice([c for c in "0123456789" if c != number[index]])
        printed = replace(printed, number="".join(number))
    else:
        moved = page.data.birth + dt.timedelta(days=rng.choice((-1, 1)) * rng.randint(40, 3000))
        printed = replace(printed, birth=moved.strftime("%d %b %Y").upper())
    return replace(page, printed=printed), which


def _glare(image: Image.Image, rng: random.Random) -> Image.Image:
    """A reflection: a soft-edged patch of pure white over part of the page."""
    width, height = image.size
    patch_w = round(width * rng.uniform(0.3, 0.45))
    patch_h = round(height * rng.uniform(0.3, 0.45))
    left = rng.randint(0, width - patch_w)
    top = rng.randint(0, max(0, round(height * 0.6) - patch_h))
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).ellipse([left, top, left + patch_w, top + patch_h], fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(min(patch_w, patch_h) / 10))
    return Image.composite(Image.new("RGB", image.size, "white"), image, mask)


def forgery_sample(seed: int, kind: ForgeryKind) -> Forgery:
    rng = random.Random(f"forgery-{kind}-{seed}")
    page = random_data_page(rng, "TD3" if kind in ("mrz_only", "cropped") or seed % 4 else "TD1")
    detail = ""
    if kind == "mrz_only":
        data = replace(page.data, issuer="USA", nationality="USA", document_code="P")
        lines = td3_lines(data)
        size = rng.choice(((1476, 1039), (1600, 400), (2480, 3508), (1200, 900)))
        return Forgery(
            kind, replace(page, data=data, lines=lines), mrz_only_image(lines, size=size)
        )
    if kind == "printed_mismatch":
        page, detail = _mismatch(page, rng)
    image = render_page(page, seed=rng.getrandbits(32), with_portrait=kind != "no_portrait")
    degradation = honest_degradation(rng)
    if kind == "tiny":
        image.thumbnail((rng.randint(300, 480),) * 2, Image.Resampling.LANCZOS)
        return Forgery(kind, page, encode(image), detail)
    if kind == "cropped":
        image = image.crop((0, round(image.height * 0.68), image.width, image.height))
    if kind == "glare":
        image = _glare(image, rng)
    if kind == "blurred":
        degradation = replace(degradation, blur_radius=rng.uniform(2.5, 4.5), scale=1.0)
    if kind in ("cropped", "glare"):
        degradation = replace(degradation, noise_sigma=min(degradation.noise_sigma, 3.0))
    return Forgery(kind, page, photograph(image, degradation, seed=rng.getrandbits(32)), detail)
