"""Build MRZs with correctly computed check digits (ICAO 9303), for test documents."""

from __future__ import annotations

import datetime as dt

_VALUES = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}


def check_digit(data: str) -> str:
    weights = (7, 3, 1)
    return str(sum(_VALUES[ch] * weights[i % 3] for i, ch in enumerate(data)) % 10)


def _field(text: str, width: int) -> str:
    return text.upper().replace(" ", "<").ljust(width, "<")[:width]


def _name(family: str, given: str, width: int) -> str:
    return _field(f"{family}<<{given.replace(' ', '<')}", width)


def _yymmdd(day: dt.date) -> str:
    return day.strftime("%y%m%d")


def td3(
    *,
    family: str = "ERIKSSON",
    given: str = "ANNA MARIA",
    number: str = "X12345678",
    issuer: str = "USA",
    nationality: str = "USA",
    birth: dt.date = dt.date(1974, 8, 12),
    expiry: dt.date | None = None,
    sex: str = "F",
    code: str = "P<",
) -> str:
    """A passport's two lines (U.S. passport by default), joined by a newline."""
    expiry = expiry or dt.datetime.now(dt.UTC).date().replace(day=1) + dt.timedelta(days=3 * 365)
    line1 = code + issuer + _name(family, given, 39)
    number_part = _field(number, 9) + check_digit(_field(number, 9))
    birth_part = _yymmdd(birth) + check_digit(_yymmdd(birth))
    expiry_part = _yymmdd(expiry) + check_digit(_yymmdd(expiry))
    personal = _field("", 14)
    personal_part = personal + check_digit(personal)
    composite = check_digit(number_part + birth_part + expiry_part + personal_part)
    line2 = number_part + nationality + birth_part + sex + expiry_part + personal_part + composite
    assert len(line1) == len(line2) == 44
    return f"{line1}\n{line2}"


def td1(
    *,
    family: str = "ERIKSSON",
    given: str = "ANNA MARIA",
    number: str = "SRC001234",
    code: str = "C1",
    issuer: str = "USA",
    nationality: str = "SWE",
    birth: dt.date = dt.date(1974, 8, 12),
    expiry: dt.date | None = None,
    sex: str = "F",
) -> str:
    """A card's three lines (a U.S. Permanent Resident Card by default)."""
    expiry = expiry or dt.datetime.now(dt.UTC).date().replace(day=1) + dt.timedelta(days=3 * 365)
    line1 = code + issuer + _field(number, 9) + check_digit(_field(number, 9)) + _field("", 15)
    head = _yymmdd(birth) + check_digit(_yymmdd(birth))
    tail = _yymmdd(expiry) + check_digit(_yymmdd(expiry))
    optional = _field("", 11)
    composite = check_digit(line1[5:30] + head + tail + optional)
    line2 = head + sex + tail + nationality + optional + composite
    line3 = _name(family, given, 30)
    assert len(line1) == len(line2) == len(line3) == 30
    return f"{line1}\n{line2}\n{line3}"


def corrupt(mrz: str, *, line: int, position: int) -> str:
    """Change one digit (1-based line and position) so its check digit fails."""
    lines = mrz.split("\n")
    chars = list(lines[line - 1])
    old = chars[position - 1]
    chars[position - 1] = str((int(old) + 1) % 10) if old.isdigit() else "7"
    lines[line - 1] = "".join(chars)
    return "\n".join(lines)
