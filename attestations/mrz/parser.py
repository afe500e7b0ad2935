"""Parse TD1, TD2 and TD3 machine-readable zones exactly per ICAO Doc 9303 Parts 4-6."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from attestations.mrz import dates
from attestations.mrz.checkdigit import FILLER, check_digit
from attestations.mrz.names import name_field_is_well_formed, parse_name_field
from attestations.mrz.normalise import MrzInputError, normalise_mrz
from attestations.mrz.types import Check, MrzFields, MrzFormat, MrzReading

_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_SEXES = frozenset("MFX<")


# The internal records below are not frozen: they never leave this module, and
# frozen dataclasses are noticeably slower to build.
@dataclass(slots=True)
class _Slot:
    """A field's text and where it sits, for messages that point at the right place."""

    text: str
    line: int
    start: int  # 1-based position in the line

    def where(self, offset: int = 0) -> str:
        return f"line {self.line}, position {self.start + offset}"


def _slot(lines: tuple[str, ...], line: int, start: int, end: int) -> _Slot:
    return _Slot(text=lines[line - 1][start - 1 : end], line=line, start=start)


@dataclass(slots=True)
class _Layout:
    """The fields of one MRZ, cut out of its lines by format."""

    code: _Slot
    issuer: _Slot
    name: _Slot
    number: _Slot
    number_cd: _Slot
    nationality: _Slot
    birth: _Slot
    birth_cd: _Slot
    sex: _Slot
    expiry: _Slot
    expiry_cd: _Slot
    optional: _Slot
    optional_cd: _Slot | None
    optional_2: _Slot | None
    composite: _Slot
    composite_data: str


def _layout(fmt: MrzFormat, lines: tuple[str, ...]) -> _Layout:
    if fmt is MrzFormat.TD1:
        line1, line2 = lines[0], lines[1]
        return _Layout(
            code=_slot(lines, 1, 1, 2),
            issuer=_slot(lines, 1, 3, 5),
            number=_slot(lines, 1, 6, 14),
            number_cd=_slot(lines, 1, 15, 15),
            optional=_slot(lines, 1, 16, 30),
            birth=_slot(lines, 2, 1, 6),
            birth_cd=_slot(lines, 2, 7, 7),
            sex=_slot(lines, 2, 8, 8),
            expiry=_slot(lines, 2, 9, 14),
            expiry_cd=_slot(lines, 2, 15, 15),
            nationality=_slot(lines, 2, 16, 18),
            optional_2=_slot(lines, 2, 19, 29),
            composite=_slot(lines, 2, 30, 30),
            composite_data=line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29],
            name=_slot(lines, 3, 1, 30),
            optional_cd=None,
        )
    width = fmt.line_length
    line2 = lines[1]
    return _Layout(
        code=_slot(lines, 1, 1, 2),
        issuer=_slot(lines, 1, 3, 5),
        name=_slot(lines, 1, 6, width),
        number=_slot(lines, 2, 1, 9),
        number_cd=_slot(lines, 2, 10, 10),
        nationality=_slot(lines, 2, 11, 13),
        birth=_slot(lines, 2, 14, 19),
        birth_cd=_slot(lines, 2, 20, 20),
        sex=_slot(lines, 2, 21, 21),
        expiry=_slot(lines, 2, 22, 27),
        expiry_cd=_slot(lines, 2, 28, 28),
        optional=_slot(lines, 2, 29, 42 if fmt is MrzFormat.TD3 else 35),
        optional_cd=_slot(lines, 2, 43, 43) if fmt is MrzFormat.TD3 else None,
        optional_2=None,
        composite=_slot(lines, 2, width, width),
        composite_data=line2[0:10] + line2[13:20] + line2[21 : width - 1],
    )


@dataclass(slots=True)
class _DocumentNumber:
    """The number with its check digit, following it into the optional field on overflow."""

    value: str  # as printed, fillers included, for the check digit
    check: str
    rest_of_optional: str
    overflow: bool


def _document_number(layout: _Layout) -> _DocumentNumber:
    optional = layout.optional.text
    if layout.number_cd.text == FILLER and optional[:1] not in ("", FILLER):
        # ICAO 9303: a number longer than 9 characters continues in the optional
        # field; its check digit is the last character before the first filler there.
        extension, _, rest = optional.partition(FILLER)
        return _DocumentNumber(
            value=layout.number.text + extension[:-1],
            check=extension[-1],
            rest_of_optional=rest,
            overflow=True,
        )
    return _DocumentNumber(
        value=layout.number.text,
        check=layout.number_cd.text,
        rest_of_optional=optional,
        overflow=False,
    )


def _format_problems(fmt: MrzFormat, layout: _Layout) -> list[str]:
    problems: list[str] = []

    def expect(slot: _Slot, allowed: frozenset[str], label: str, what: str) -> None:
        for offset, char in enumerate(slot.text):
            if char not in allowed:
                problems.append(f"{slot.where(offset)} ({label}): {char!r} is not {what}")

    code = layout.code.text
    if code[0] not in _LETTERS:
        problems.append(f"{layout.code.where()} (document code): {code[0]!r} is not a letter")
    elif code[0] == "V" and fmt is not MrzFormat.TD1:
        problems.append("this is a visa MRZ, which is not an identity document this service reads")
    # The second character may be a digit: the I-551 card begins C1 or C2.
    expect(
        _Slot(code[1], 1, 2), _LETTERS | _DIGITS | {FILLER}, "document code", "a letter, digit or <"
    )
    expect(layout.issuer, _LETTERS | {FILLER}, "issuing state", "a letter or <")
    expect(layout.nationality, _LETTERS | {FILLER}, "nationality", "a letter or <")
    if not layout.issuer.text.strip(FILLER):
        problems.append(f"{layout.issuer.where()}: the issuing state is missing")
    if not name_field_is_well_formed(layout.name.text):
        problems.append(
            f"line {layout.name.line} (name): expected SURNAME<<GIVEN<NAMES in letters, "
            f"with < fillers only at the end, got {layout.name.text.rstrip(FILLER)!r}"
        )
    expect(layout.birth, _DIGITS | {FILLER}, "date of birth", "a digit")
    expect(layout.expiry, _DIGITS, "expiry date", "a digit")
    expect(layout.sex, _SEXES, "sex", "M, F, X or <")
    for slot, label in (
        (layout.birth_cd, "date of birth check digit"),
        (layout.expiry_cd, "expiry date check digit"),
        (layout.composite, "composite check digit"),
    ):
        expect(slot, _DIGITS, label, "a digit")
    return problems


def _check_digit_check(name: str, label: str, value: str, shown: str, hint: str) -> Check:
    expected = check_digit(value)
    if shown == expected:
        return Check(name, True, f"The {label} check digit is correct.")
    shown_text = f"{shown!r}, which is not a digit" if shown not in _DIGITS else shown
    return Check(
        name,
        False,
        f"The {label} check digit is {shown_text}, but {hint} gives {expected}: "
        "a character was misread or mistyped.",
    )


def _personal_number_check(number: _Slot, check: _Slot) -> Check:
    value, shown = number.text, check.text
    if not value.strip(FILLER) and shown in (FILLER, "0"):
        return Check("personal_number_check_digit", True, "There is no personal number.")
    return _check_digit_check(
        "personal_number_check_digit",
        "personal number",
        value,
        shown,
        f"the personal number {value.rstrip(FILLER)}",
    )


def _dates_check(fields: MrzFields, today: dt.date) -> Check:
    birth, expiry = fields.birth_date, fields.expiry_date
    problems = []
    if birth.value is None:
        if FILLER in birth.raw:
            problems.append(f"the date of birth {birth.raw} is not fully shown")
        else:
            problems.append(f"the date of birth {birth.raw} is not a real date (YYMMDD)")
    if expiry.value is None:
        problems.append(f"the expiry date {expiry.raw} is not a real date (YYMMDD)")
    if birth.value and expiry.value and birth.value >= expiry.value:
        problems.append("the date of birth is not before the expiry date")
    if birth.value and birth.value > today:
        problems.append("the date of birth is in the future")
    if problems:
        return Check("dates_valid", False, "In this MRZ " + "; ".join(problems) + ".")
    return Check(
        "dates_valid",
        True,
        f"The date of birth ({birth.value}) and the expiry date ({expiry.value}) are real dates.",
    )


def parse_mrz(raw: str | Sequence[str], *, today: dt.date) -> MrzReading:
    """Parse an MRZ and run every check that needs nothing but the MRZ itself.

    ``today`` fixes the century of two-digit years. Text that is not shaped like
    an MRZ gives a reading without fields and a single failed ``format`` check
    that says what is wrong.
    """
    try:
        fmt, lines = normalise_mrz(raw)
    except MrzInputError as error:
        return MrzReading(fields=None, checks=(Check("format", False, error.message),))
    layout = _layout(fmt, lines)
    number = _document_number(layout)
    fields = MrzFields(
        format=fmt,
        lines=lines,
        document_code=layout.code.text.rstrip(FILLER),
        issuer=layout.issuer.text.rstrip(FILLER),
        name=parse_name_field(layout.name.text),
        document_number=number.value.replace(FILLER, ""),
        nationality=layout.nationality.text.rstrip(FILLER),
        birth_date=dates.birth_date(layout.birth.text, today=today),
        sex=layout.sex.text,
        expiry_date=dates.expiry_date(layout.expiry.text, today=today),
        optional_data=number.rest_of_optional.strip(FILLER),
        optional_data_2=layout.optional_2.text.strip(FILLER) if layout.optional_2 else "",
    )
    problems = _format_problems(fmt, layout)
    if number.overflow and not number.value[9:]:
        problems.append("the long document number in the optional field is cut short")
    if problems:
        format_check = Check("format", False, "This MRZ is malformed: " + "; ".join(problems) + ".")
    else:
        format_check = Check("format", True, f"This is a well-formed {fmt.description}.")
    checks = [
        format_check,
        _check_digit_check(
            "document_number_check_digit",
            "document number",
            number.value,
            number.check,
            f"the document number {fields.document_number or '(empty)'}",
        ),
        _check_digit_check(
            "birth_date_check_digit",
            "date of birth",
            layout.birth.text,
            layout.birth_cd.text,
            f"the date of birth {layout.birth.text}",
        ),
        _check_digit_check(
            "expiry_date_check_digit",
            "expiry date",
            layout.expiry.text,
            layout.expiry_cd.text,
            f"the expiry date {layout.expiry.text}",
        ),
    ]
    if layout.optional_cd is not None:  # only TD3 has a personal number check digit
        checks.append(_personal_number_check(layout.optional, layout.optional_cd))
    checks.append(
        _check_digit_check(
            "composite_check_digit",
            "composite",
            layout.composite_data,
            layout.composite.text,
            "the rest of the MRZ",
        )
    )
    checks.append(_dates_check(fields, today))
    return MrzReading(fields=fields, checks=tuple(checks))
