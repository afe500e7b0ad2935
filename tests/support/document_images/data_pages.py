"""Synthetic data pages: portrait, printed fields (the visual zone) and MRZ, as on a real document.

A passport (TD3) is its data page; a card (TD1) carries its MRZ on the back, so
a card is rendered as a copy of both sides on one sheet, front above back, the
way people photocopy or scan a card. The printed fields and the MRZ describe the
same person unless a test asks otherwise (see ``forgeries``).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from tests.support.document_images import (
    DPI,
    OCR_B_FONT,
    Degradation,
    Kind,
    MrzData,
    degrade,
    encode,
    td1_lines,
    td3_lines,
)
from tests.support.document_images.portraits import portrait

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
TODAY = dt.date(2026, 1, 1)

# (as printed, as the MRZ spells it under ICAO 9303 Part 3)
SURNAMES = (
    ("ERIKSSON", "ERIKSSON"), ("MÜLLER", "MUELLER"), ("GARCÍA MÁRQUEZ", "GARCIA<MARQUEZ"),
    ("NGUYEN", "NGUYEN"), ("O'CONNOR", "OCONNOR"), ("VAN DER BERG", "VAN<DER<BERG"),
    ("KOWALSKI", "KOWALSKI"), ("OKAFOR", "OKAFOR"), ("TANAKA", "TANAKA"), ("DUBOIS", "DUBOIS"),
    ("JOHANSSON-LINDQVIST", "JOHANSSON<LINDQVIST"), ("PATEL", "PATEL"), ("KIM", "KIM"),
    ("SMITH", "SMITH"), ("HERNÁNDEZ", "HERNANDEZ"), ("ØSTERGÅRD", "OESTERGAARD"),
    ("MCALLISTER", "MCALLISTER"), ("WASHINGTON", "WASHINGTON"), ("ROSSI", "ROSSI"),
    ("LEE", "LEE"), ("BROWN", "BROWN"), ("SCHRÖDER", "SCHROEDER"), ("ABERNATHY", "ABERNATHY"),
)  # fmt: skip
GIVEN_NAMES = (
    ("ANNA", "ANNA"), ("MARIA", "MARIA"), ("JOHN", "JOHN"), ("PETER", "PETER"), ("WEI", "WEI"),
    ("FATIMA", "FATIMA"), ("JOSÉ", "JOSE"), ("ELIZABETH", "ELIZABETH"), ("AMÉLIE", "AMELIE"),
    ("CHRISTOPHER", "CHRISTOPHER"), ("ZOË", "ZOE"), ("MOHAMMED", "MOHAMMED"), ("GRACE", "GRACE"),
    ("BJÖRN", "BJOERN"), ("IVAN", "IVAN"), ("DAVID", "DAVID"), ("OLUWASEUN", "OLUWASEUN"),
)  # fmt: skip
# (MRZ code, nationality as printed)
NATIONALITIES = (
    ("USA", "UNITED STATES OF AMERICA"), ("USA", "UNITED STATES OF AMERICA"), ("USA", "USA"),
    ("CAN", "CANADA"), ("FRA", "FRANCE"), ("GBR", "GBR"), ("MEX", "MEXICO"), ("IND", "INDIA"),
    ("UTO", "UTO"),
)  # fmt: skip
DATE_STYLES = ("%d %b %Y", "%d %b %Y", "%d/%m/%Y", "%d.%m.%Y")


@dataclass(frozen=True, slots=True)
class Printed:
    """The visual zone as printed: what the MRZ says, or what a forger changed."""

    surname: str
    given_names: str
    number: str
    nationality: str
    birth: str
    sex: str
    expiry: str
    issue: str
    place_of_birth: str


@dataclass(frozen=True, slots=True)
class DataPage:
    kind: Kind
    data: MrzData
    printed: Printed
    lines: tuple[str, ...] = field(default=())


def _date(value: dt.date, style: str) -> str:
    return value.strftime(style).upper()


def random_data_page(rng: random.Random, kind: Kind, *, today: dt.date = TODAY) -> DataPage:
    surname_printed, surname = rng.choice(SURNAMES)
    given = rng.sample(GIVEN_NAMES, rng.choice((1, 1, 2)))
    code, nationality = rng.choice(NATIONALITIES)
    birth = today - dt.timedelta(days=rng.randint(18 * 365, 85 * 365))
    issue = today - dt.timedelta(days=rng.randint(30, 9 * 365))
    expiry = issue + dt.timedelta(days=10 * 365 - rng.randint(0, 3))
    alphanumeric = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    number = "".join(rng.choice(alphanumeric) for _ in range(9))
    if code == "USA" and rng.random() < 0.5:
        number = "".join(rng.choice("0123456789") for _ in range(9))
    data = MrzData(
        document_code=("P" if kind == "TD3" else rng.choice(("C1", "IP"))),
        issuer=code,
        surname=surname,
        given_names="<".join(mrz for _, mrz in given),
        number=number,
        nationality=code,
        birth=birth,
        sex=rng.choice("MF"),
        expiry=expiry,
    )
    style = rng.choice(DATE_STYLES)
    printed = Printed(
        surname=surname_printed,
        given_names=" ".join(shown for shown, _ in given),
        number=number,
        nationality=nationality,
        birth=_date(birth, style),
        sex=data.sex,
        expiry=_date(expiry, style),
        issue=_date(issue, style),
        place_of_birth=rng.choice(("NEW YORK, U.S.A.", "OHIO, U.S.A.", "LYON", "LAGOS", "TOKYO")),
    )
    return mrz_of(DataPage(kind=kind, data=data, printed=printed))


def mrz_of(page: DataPage) -> DataPage:
    lines = td3_lines(page.data) if page.kind == "TD3" else td1_lines(page.data)
    return replace(page, lines=lines)


def _px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def _font(name: str, cap_height_mm: float) -> ImageFont.FreeTypeFont:
    # DejaVu's capitals are 0.73 of its em.
    return ImageFont.truetype(str(DEJAVU / name), size=round(_px(cap_height_mm) / 0.73))


def _mrz_font() -> ImageFont.FreeTypeFont:
    probe = ImageFont.truetype(str(OCR_B_FONT), size=100)
    # ICAO 9303: 10 characters to the inch.
    return ImageFont.truetype(str(OCR_B_FONT), size=round(100 * (DPI / 10) / probe.getlength("0")))


def _guilloche(
    draw: ImageDraw.ImageDraw, size: tuple[int, int], tint: tuple[int, ...], *, clear_mm: float
) -> None:
    """A faint security pattern: waves a little darker than the paper, kept out of the MRZ's
    clear zone (``clear_mm`` at the bottom), as ICAO 9303 requires."""
    width, height = size
    shade = tuple(max(0, channel - 14) for channel in tint)
    for row in range(0, height - _px(clear_mm), _px(2.2)):
        points = [(x, row + 9 * math.sin(x / 37 + row / 50)) for x in range(0, width + 12, 12)]
        draw.line(points, fill=shade, width=1)


def _fields(
    draw: ImageDraw.ImageDraw,
    origin: tuple[float, float],
    rows: Sequence[Sequence[tuple[float, str, str]]],
    *,
    pitch_mm: float,
    label_mm: float,
    value_mm: float,
) -> None:
    label_font = _font("DejaVuSans.ttf", label_mm)
    value_font = _font("DejaVuSans-Bold.ttf", value_mm)
    x0, y0 = origin
    for index, row in enumerate(rows):
        top = y0 + index * pitch_mm
        for dx, label, value in row:
            draw.text((_px(x0 + dx), _px(top)), label, font=label_font, fill=(70, 70, 110))
            draw.text(
                (_px(x0 + dx), _px(top + label_mm * 1.45)),
                value,
                font=value_font,
                fill=(15, 15, 20),
            )


def draw_mrz(
    draw: ImageDraw.ImageDraw, lines: tuple[str, ...], *, left_mm: float, bottom_mm: float
) -> None:
    font = _mrz_font()
    pitch = _px(4.23)
    first_baseline = _px(bottom_mm) - pitch * (len(lines) - 1)
    for index, line in enumerate(lines):
        draw.text(
            (_px(left_mm), first_baseline + index * pitch), line, font=font,
            fill=(12, 12, 12), anchor="ls",
        )  # fmt: skip


def _paper(rng: random.Random, size_mm: tuple[float, float], *, clear_mm: float) -> Image.Image:
    tint = tuple(rng.randint(212, 238) for _ in range(3))
    page = Image.new("RGB", (_px(size_mm[0]), _px(size_mm[1])), tint)
    _guilloche(ImageDraw.Draw(page), page.size, tint, clear_mm=clear_mm)
    return page


def _passport(page: DataPage, rng: random.Random, *, with_portrait: bool) -> Image.Image:
    image = _paper(rng, (125.0, 88.0), clear_mm=23.2)
    draw = ImageDraw.Draw(image)
    p = page.printed
    draw.text(
        (_px(40), _px(3)), "PASSPORT", font=_font("DejaVuSans-Bold.ttf", 2.2), fill=(0, 0, 90)
    )
    if with_portrait:
        image.paste(portrait(rng, (_px(30), _px(40))), (_px(5), _px(13)))
    rows = [
        [(0, "Type", "P"), (14, "Code", page.data.issuer), (34, "Passport No.", p.number)],
        [(0, "Surname", p.surname)],
        [(0, "Given Names", p.given_names)],
        [(0, "Nationality", p.nationality)],
        [(0, "Date of birth", p.birth), (45, "Sex", p.sex)],
        [(0, "Place of birth", p.place_of_birth)],
        [(0, "Date of issue", p.issue), (45, "Authority", "DEPARTMENT OF STATE")],
        [(0, "Date of expiration", p.expiry)],
    ]
    _fields(draw, (40, 8.5), rows, pitch_mm=7.0, label_mm=1.5, value_mm=2.3)
    draw_mrz(draw, page.lines, left_mm=6.0, bottom_mm=83.0)
    return image


def _card(page: DataPage, rng: random.Random, *, with_portrait: bool) -> Image.Image:
    front = _paper(rng, (85.6, 54.0), clear_mm=0.0)
    draw = ImageDraw.Draw(front)
    p = page.printed
    title = "PERMANENT RESIDENT" if page.data.document_code.startswith("C") else "PASSPORT CARD"
    draw.text((_px(29), _px(2.5)), title, font=_font("DejaVuSans-Bold.ttf", 2.0), fill=(0, 0, 90))
    if with_portrait:
        front.paste(portrait(rng, (_px(23), _px(31))), (_px(3), _px(10)))
    rows = [
        [(0, "Surname", p.surname)],
        [(0, "Given Name", p.given_names)],
        [(0, "Nationality", p.nationality)],
        [(0, "Date of Birth", p.birth), (33, "Sex", p.sex)],
        [(0, "Card No.", p.number)],
        [(0, "Card Expires", p.expiry)],
    ]
    _fields(draw, (29, 7.5), rows, pitch_mm=7.3, label_mm=1.3, value_mm=2.1)
    back = _paper(rng, (85.6, 54.0), clear_mm=17.8)
    draw_mrz(ImageDraw.Draw(back), page.lines, left_mm=4.7, bottom_mm=50.0)
    margin, gap = _px(6), _px(8)
    sheet_colour = rng.choice(((250, 250, 248), (96, 90, 84), (60, 62, 70)))
    sheet = Image.new(
        "RGB", (front.width + 2 * margin, 2 * front.height + gap + 2 * margin), sheet_colour
    )
    sheet.paste(front, (margin, margin))
    sheet.paste(back, (margin, margin + front.height + gap))
    return sheet


def render_page(page: DataPage, *, seed: int, with_portrait: bool = True) -> Image.Image:
    """The upright page (TD3) or sheet with both sides of the card (TD1), undegraded."""
    rng = random.Random(seed)
    if page.kind == "TD3":
        return _passport(page, rng, with_portrait=with_portrait)
    return _card(page, rng, with_portrait=with_portrait)


def honest_degradation(rng: random.Random) -> Degradation:
    """A careful phone photo or scan: slightly turned, a little noise, JPEG, some scaling."""
    return Degradation(
        rotation_degrees=rng.uniform(-3.0, 3.0),
        blur_radius=rng.uniform(0.0, 0.7),
        noise_sigma=rng.uniform(0.0, 8.0),
        jpeg_quality=rng.choice((None, rng.randint(60, 95))),
        scale=rng.uniform(0.75, 1.2),
    )


def photograph(image: Image.Image, degradation: Degradation, *, seed: int) -> bytes:
    rng = random.Random(seed)
    return encode(degrade(image, degradation, rng), jpeg_quality=degradation.jpeg_quality)


@dataclass(frozen=True, slots=True)
class PageSample:
    page: DataPage
    image: bytes


def honest_sample(
    seed: int,
    *,
    kind: Kind = "TD3",
    degraded: bool = True,
    changes: Mapping[str, str] | None = None,
) -> PageSample:
    """An honest data page (``changes`` alters the printed fields: a forgery's VIZ)."""
    rng = random.Random(f"page-{kind}-{seed}")
    page = random_data_page(rng, kind)
    if changes:
        page = replace(page, printed=replace(page.printed, **changes))
    image = render_page(page, seed=rng.getrandbits(32))
    degradation = honest_degradation(rng) if degraded else Degradation()
    return PageSample(page, photograph(image, degradation, seed=rng.getrandbits(32)))


def passport_sample(
    *,
    seed: int = 1,
    surname: tuple[str, str] = ("ERIKSSON", "ERIKSSON"),
    given_names: tuple[str, str] = ("ANNA MARIA", "ANNA<MARIA"),
    number: str = "X12345678",
    birth: dt.date = dt.date(1974, 8, 12),
    expiry: dt.date | None = None,
    degradation: Degradation | None = None,
    printed_changes: Mapping[str, str] | None = None,
) -> PageSample:
    """A U.S. passport data page for a given person (names as printed, as in the MRZ).

    ``printed_changes`` alters printed fields only: an MRZ pasted onto another page.
    """
    expiry = expiry or dt.datetime.now(dt.UTC).date().replace(day=1) + dt.timedelta(days=3 * 365)
    data = MrzData("P", "USA", surname[1], given_names[1], number, "USA", birth, "F", expiry)
    printed = Printed(
        surname=surname[0],
        given_names=given_names[0],
        number=number,
        nationality="UNITED STATES OF AMERICA",
        birth=_date(birth, "%d %b %Y"),
        sex="F",
        expiry=_date(expiry, "%d %b %Y"),
        issue=_date(expiry - dt.timedelta(days=3652), "%d %b %Y"),
        place_of_birth="OHIO, U.S.A.",
    )
    page = mrz_of(DataPage(kind="TD3", data=data, printed=printed))
    if printed_changes:
        page = replace(page, printed=replace(page.printed, **printed_changes))
    image = render_page(page, seed=seed)
    return PageSample(page, photograph(image, degradation or Degradation(), seed=seed))
