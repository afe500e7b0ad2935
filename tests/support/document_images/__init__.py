"""Synthetic identity documents: valid random MRZ data rendered in OCR-B, then degraded.

Everything is deterministic by seed so a failing OCR case can be rendered again
and looked at. The MRZ text is composed here with correctly computed check
digits; the production parser then has to agree with it.

This module renders MRZ reading test cards (an MRZ under filler printing);
``data_pages`` renders realistic data pages (portrait, printed fields, MRZ) for
the document check, ``portraits`` the faces on them, ``forgeries`` the images
an attacker sends.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from attestations.mrz.checkdigit import check_digit

OCR_B_FONT = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
_REPOSITORY = Path(__file__).resolve().parents[3]
DPI = 300
# ICAO 9303 prints the MRZ at 10 characters per inch.
CHAR_PITCH_PX = DPI / 10
LINE_PITCH_PX = round(4.23 / 25.4 * DPI)

# ICAO Doc 9303 specimens (public test vectors, see DOMAIN.md).
ICAO_TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
ICAO_TD3_OLDER = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C<3UTO6908061F9406236ZE184226B<<<<<14",
)
ICAO_TD2 = (
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "D231458907UTO7408122F1204159<<<<<<<6",
)
ICAO_TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
# ICAO 9303 Part 5's example of a document number longer than nine characters.
ICAO_TD1_OVERFLOW = (
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "3407127M9507122UTO<<<<<<<<<<<2",
    "STEVENSON<<PETER<JOHN<<<<<<<<<",
)


Kind = Literal["TD1", "TD3"]

_SURNAMES = (
    "ERIKSSON", "GARCIA<MARQUEZ", "NGUYEN", "OCONNOR", "VAN<DER<BERG", "MUELLER", "SMITH",
    "KOWALSKI", "OKAFOR", "TANAKA", "DUBOIS", "ROSSI", "JOHANSSON<LINDQVIST", "PATEL", "KIM",
    "ABERNATHY<WORTHINGTON<SMYTHE", "LI", "SCHWARZENEGGER", "MCALLISTER", "HERNANDEZ",
)  # fmt: skip
_GIVEN = (
    "ANNA", "MARIA", "JOHN", "PETER", "WEI", "FATIMA", "OLUWASEUN", "JOSE", "ELIZABETH",
    "CHRISTOPHER", "YUKI", "AMELIE", "MOHAMMED", "GRACE", "ALEXANDER", "ZOE", "IVAN",
)  # fmt: skip
_STATES = ("USA", "UTO", "DEU", "FRA", "GBR", "CAN", "MEX", "IND", "NGA", "JPN", "D<<")


@dataclass(frozen=True, slots=True)
class MrzData:
    """The fields of an MRZ before fillers and check digits are added."""

    document_code: str
    issuer: str
    surname: str  # parts joined by <
    given_names: str  # parts joined by <
    number: str
    nationality: str
    birth: dt.date
    sex: str
    expiry: dt.date
    optional: str = ""
    optional_2: str = ""


def _pad(text: str, width: int) -> str:
    return (text + "<" * width)[:width]


def _yymmdd(value: dt.date) -> str:
    return value.strftime("%y%m%d")


def _name_field(data: MrzData, width: int) -> str:
    return _pad(f"{data.surname}<<{data.given_names}", width)


def td3_lines(data: MrzData) -> tuple[str, str]:
    line1 = _pad(data.document_code, 2) + _pad(data.issuer, 3) + _name_field(data, 39)
    number = _pad(data.number, 9)
    personal = _pad(data.optional, 14)
    personal_cd = check_digit(personal) if data.optional else "<"
    birth, expiry = _yymmdd(data.birth), _yymmdd(data.expiry)
    body = (
        number
        + check_digit(number)
        + _pad(data.nationality, 3)
        + birth
        + check_digit(birth)
        + data.sex
        + expiry
        + check_digit(expiry)
        + personal
        + personal_cd
    )
    composite = check_digit(body[0:10] + body[13:20] + body[21:43])
    return line1, body + composite


def td2_lines(data: MrzData) -> tuple[str, str]:
    """A number longer than 9 characters overflows into the optional field, as on TD1."""
    line1 = _pad(data.document_code, 2) + _pad(data.issuer, 3) + _name_field(data, 31)
    if len(data.number) > 9:
        number_part = data.number[:9] + "<"
        optional = data.number[9:] + check_digit(data.number) + "<" + data.optional
    else:
        number = _pad(data.number, 9)
        number_part, optional = number + check_digit(number), data.optional
    birth, expiry = _yymmdd(data.birth), _yymmdd(data.expiry)
    body = (
        number_part + _pad(data.nationality, 3)
        + birth + check_digit(birth) + data.sex + expiry + check_digit(expiry)
        + _pad(optional, 7)
    )  # fmt: skip
    composite = check_digit(body[0:10] + body[13:20] + body[21:35])
    return line1, body + composite


def td1_lines(data: MrzData) -> tuple[str, str, str]:
    """A number longer than 9 characters overflows into the optional field (ICAO 9303 Part 5)."""
    if len(data.number) > 9:
        number_part = data.number[:9] + "<"
        optional = data.number[9:] + check_digit(data.number) + "<" + data.optional
    else:
        number = _pad(data.number, 9)
        number_part, optional = number + check_digit(number), data.optional
    line1 = _pad(data.document_code, 2) + _pad(data.issuer, 3) + number_part + _pad(optional, 15)
    birth, expiry = _yymmdd(data.birth), _yymmdd(data.expiry)
    line2 = (
        birth
        + check_digit(birth)
        + data.sex
        + expiry
        + check_digit(expiry)
        + _pad(data.nationality, 3)
        + _pad(data.optional_2, 11)
    )
    composite = check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return line1, line2 + composite, _name_field(data, 30)


def random_mrz_data(rng: random.Random, kind: Kind, *, today: dt.date) -> MrzData:
    alphanumeric = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    state = rng.choice(_STATES)
    birth = today - dt.timedelta(days=rng.randint(18 * 365, 90 * 365))
    expiry = today + dt.timedelta(days=rng.randint(-400, 9 * 365))
    given = "<".join(rng.sample(_GIVEN, rng.choice((1, 1, 2, 3))))
    return MrzData(
        document_code=rng.choice(("P", "P<", "PD") if kind == "TD3" else ("I", "ID", "C1", "IP")),
        issuer=state,
        surname=rng.choice(_SURNAMES),
        given_names=given,
        number="".join(rng.choice(alphanumeric) for _ in range(rng.choice((8, 9, 9, 9)))),
        nationality=state,
        birth=birth,
        sex=rng.choice("MFX<"),
        expiry=expiry,
        optional="".join(rng.choice(alphanumeric) for _ in range(rng.choice((0, 0, 6, 9)))),
    )


@dataclass(frozen=True, slots=True)
class Degradation:
    rotation_degrees: float = 0.0
    blur_radius: float = 0.0
    noise_sigma: float = 0.0
    jpeg_quality: int | None = None  # None: lossless PNG
    scale: float = 1.0


def random_degradation(rng: random.Random) -> Degradation:
    """What a phone photo or a cheap scanner does to a page, kept within human readability."""
    return Degradation(
        rotation_degrees=rng.choice((-1, 1)) * rng.uniform(1.0, 5.0),
        blur_radius=rng.uniform(0.5, 1.8),
        noise_sigma=rng.uniform(4.0, 16.0),
        jpeg_quality=rng.randint(30, 80),
        scale=rng.uniform(0.55, 1.3),
    )


def _font(size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(OCR_B_FONT), size=round(size))


def _mrz_font() -> ImageFont.FreeTypeFont:
    probe = _font(100)
    return _font(100 * CHAR_PITCH_PX / probe.getlength("0"))


def _clutter(draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[int, int, int, int]) -> None:
    """Printed matter above the MRZ: a photo, labels and values, a security pattern."""
    left, top, right, bottom = box
    for y in range(top, bottom, 9):
        draw.line([(left, y), (right, y + rng.randint(-6, 6))], fill=(222, 228, 236), width=1)
    photo_right = left + (right - left) // 4
    draw.rectangle([left, top + 30, photo_right, bottom - 10], fill=(150, 145, 140))
    draw.ellipse(
        [left + 25, top + 60, photo_right - 25, bottom - 40], fill=(105, 95, 90), outline=(60,) * 3
    )
    label_font = ImageFont.load_default(size=20)
    value_font = ImageFont.load_default(size=30)
    x, y = photo_right + 30, top + 20
    words = ("SURNAME", "GIVEN NAMES", "NATIONALITY", "DATE OF BIRTH", "SEX", "AUTHORITY")
    while y < bottom - 60:
        draw.text((x, y), rng.choice(words), font=label_font, fill=(80, 80, 120))
        value = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVW 0123456789") for _ in range(14))
        draw.text((x, y + 22), value, font=value_font, fill=(20, 20, 20))
        y += 66


def _page(lines: tuple[str, ...], rng: random.Random) -> Image.Image:
    width_mm, height_mm = (125.0, 88.0) if len(lines) == 2 else (85.6, 54.0)
    width, height = round(width_mm / 25.4 * DPI), round(height_mm / 25.4 * DPI)
    tint = tuple(rng.randint(232, 250) for _ in range(3))
    page = Image.new("RGB", (width, height), tint)
    draw = ImageDraw.Draw(page)
    font = _mrz_font()
    mrz_width = round(CHAR_PITCH_PX * len(lines[0]))
    left = (width - mrz_width) // 2
    bottom_margin = round(0.06 * height)
    first_baseline = height - bottom_margin - LINE_PITCH_PX * (len(lines) - 1)
    _clutter(draw, rng, (left, 20, width - left, first_baseline - 2 * LINE_PITCH_PX))
    draw.text(
        (left, 24), "UTOPIA" if len(lines) == 2 else "RESIDENT", font=_font(34), fill=(0, 0, 90)
    )
    for index, line in enumerate(lines):
        baseline = first_baseline + index * LINE_PITCH_PX
        draw.text((left, baseline), line, font=font, fill=(12, 12, 12), anchor="ls")
    return page


def degrade(page: Image.Image, degradation: Degradation, rng: random.Random) -> Image.Image:
    """The page as a photo or scan shows it: scaled, on a desk, turned, blurred, noisy."""
    image = page
    if degradation.scale != 1.0:
        size = (round(page.width * degradation.scale), round(page.height * degradation.scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    if degradation.rotation_degrees or degradation.noise_sigma:
        # A desk around the document, as in a photo.
        desk = Image.new("RGB", (image.width + 160, image.height + 160), (96, 90, 84))
        desk.paste(image, (rng.randint(40, 120), rng.randint(40, 120)))
        image = desk.rotate(
            degradation.rotation_degrees,
            resample=Image.Resampling.BICUBIC,
            expand=True,
            fillcolor=(96, 90, 84),
        )
    if degradation.blur_radius:
        image = image.filter(ImageFilter.GaussianBlur(degradation.blur_radius))
    if degradation.noise_sigma:
        noise_rng = np.random.default_rng(rng.getrandbits(32))
        pixels = np.asarray(image, dtype=np.float32)
        # Sensor noise in brightness, the same in every channel: cheaper, and what OCR sees.
        noise = noise_rng.standard_normal(pixels.shape[:2], dtype=np.float32)
        pixels += (noise * np.float32(degradation.noise_sigma))[:, :, np.newaxis]
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image


def encode(image: Image.Image, *, jpeg_quality: int | None = None) -> bytes:
    buffer = io.BytesIO()
    if jpeg_quality is None:
        image.save(buffer, format="PNG", dpi=(DPI, DPI))
    else:
        image.save(buffer, format="JPEG", quality=jpeg_quality)
    return buffer.getvalue()


def render_document(
    lines: tuple[str, ...], *, seed: int, degradation: Degradation | None = None
) -> bytes:
    """A TD3 data page (2 MRZ lines) or a TD1 card (3 lines) as PNG or JPEG bytes."""
    rng = random.Random(seed)
    page = _page(lines, rng)
    degradation = degradation or Degradation()
    return encode(degrade(page, degradation, rng), jpeg_quality=degradation.jpeg_quality)


def render_without_mrz(*, seed: int) -> bytes:
    """A card with printed matter but no MRZ."""
    rng = random.Random(seed)
    page = Image.new("RGB", (1011, 638), (240, 238, 230))
    _clutter(ImageDraw.Draw(page), rng, (40, 20, 970, 600))
    return encode(page, jpeg_quality=85)


def with_exif_orientation(image_bytes: bytes, orientation: int) -> bytes:
    """The same picture stored turned, with the EXIF tag that tells viewers to turn it back."""
    turned = {
        6: Image.Transpose.ROTATE_90,
        8: Image.Transpose.ROTATE_270,
        3: Image.Transpose.ROTATE_180,
    }
    image = Image.open(io.BytesIO(image_bytes)).convert("RGB").transpose(turned[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92, exif=exif)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class Sample:
    kind: Kind
    lines: tuple[str, ...]
    image: bytes
    degradation: Degradation


def document_sample(
    seed: int, *, kind: Kind, degraded: bool, today: dt.date = dt.date(2026, 1, 1)
) -> Sample:
    """One random valid document of ``kind``, clean (PNG, upright) or degraded."""
    rng = random.Random(f"{kind}-{seed}")
    data = random_mrz_data(rng, kind, today=today)
    if kind == "TD1" and rng.random() < 0.2:
        data = replace(
            data, number=data.number + "".join(rng.choice("0123456789") for _ in range(3))
        )
    lines = td3_lines(data) if kind == "TD3" else td1_lines(data)
    degradation = random_degradation(rng) if degraded else Degradation()
    image = render_document(lines, seed=rng.getrandbits(32), degradation=degradation)
    return Sample(kind=kind, lines=lines, image=image, degradation=degradation)


def find_mrz_tessdata() -> Path | None:
    """The directory holding mrz.traineddata: $IDV_TESSDATA_DIR, else the copy the
    repository ships for the quick start and tests (share/tesseract)."""
    configured = os.environ.get("IDV_TESSDATA_DIR")
    candidates = [Path(configured)] if configured else []
    candidates.append(_REPOSITORY / "share" / "tesseract")
    return next((path for path in candidates if (path / "mrz.traineddata").is_file()), None)
