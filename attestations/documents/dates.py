"""Dates as data pages print them: "12 AUG 1974", "12 AUG/AOUT 74", "12/08/1974", "1974-08-12".

Text is folded first (capitals, accents dropped). A date with two numbers and
a year (``12/08/1974``) is read both day-first and month-first: the question is
only whether the page shows the MRZ's date, and either order may be the issuer's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {
    "JAN": 1, "JANV": 1, "ENE": 1, "FEB": 2, "FEV": 2, "FEVR": 2, "MAR": 3, "MARS": 3,
    "APR": 4, "AVR": 4, "ABR": 4, "MAY": 5, "MAI": 5, "JUN": 6, "JUIN": 6, "JUL": 7,
    "JUIL": 7, "AUG": 8, "AOU": 8, "AOUT": 8, "AGO": 8, "SEP": 9, "SEPT": 9, "OCT": 10,
    "NOV": 11, "DEC": 12, "DIC": 12,
}  # fmt: skip
_MONTH = r"([A-Z]{3,9})"
_YEAR = r"(\d{4}|\d{2})"
# A leading zero too many is how OCR reads a letter O before the day ("O01").
_DAY = r"0?(\d{1,2})"
# Letters OCR reads for digits, in a group that holds digits: O01, 2O24, I974.
_DIGIT_GROUP = re.compile(r"\b(?=[0-9OIL]*[0-9])[0-9OIL]+\b")
_TO_DIGITS = str.maketrans({"O": "0", "I": "1", "L": "1"})
# 12 AUG 1974, 12 AUG/AOUT 74, 12 AUGUST 1974
_DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s*{_MONTH}(?:\s*/\s*[A-Z]{{3,9}})?\s*{_YEAR}\b")
# AUG 12, 1974
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")
# 12/08/1974, 12.08.1974, 12-08-74, 12 08 1974
_NUMERIC = re.compile(rf"\b{_DAY}\s?[./\- ]\s?(\d{{1,2}})\s?[./\- ]\s?{_YEAR}\b")
# 1974-08-12
_ISO = re.compile(r"\b(\d{4})[./\-](\d{1,2})[./\-](\d{1,2})\b")


@dataclass(frozen=True, slots=True)
class PrintedDate:
    """A date as printed; ``year`` has 2 or 4 digits as printed (``full_year``)."""

    year: int
    month: int
    day: int
    full_year: bool

    def means(self, value: dt.date) -> bool:
        year = value.year if self.full_year else value.year % 100
        return (self.year, self.month, self.day) == (year, value.month, value.day)

    def text(self) -> str:
        return f"{self.day:02d}.{self.month:02d}.{self.year:0{4 if self.full_year else 2}d}"


def _month(name: str) -> int | None:
    for length in (4, 3):
        if (month := _MONTHS.get(name[:length])) is not None:
            return month
    return None


def _make(year: str, month: int | None, day: str) -> PrintedDate | None:
    if month is None or not 1 <= month <= 12 or not 1 <= int(day) <= 31:
        return None
    return PrintedDate(int(year), month, int(day), len(year) == 4)


def printed_dates(folded: str) -> list[PrintedDate]:
    """Every date in ``folded`` text (capitals, no accents), in each reading it allows."""
    folded = _DIGIT_GROUP.sub(lambda group: group[0].translate(_TO_DIGITS), folded)
    found: list[PrintedDate | None] = []
    for match in _DAY_MONTH_YEAR.finditer(folded):
        day, month, year = match.groups()
        found.append(_make(year, _month(month), day))
    for match in _MONTH_DAY_YEAR.finditer(folded):
        month, day, year = match.groups()
        found.append(_make(year, _month(month), day))
    for match in _NUMERIC.finditer(folded):
        first, second, year = match.groups()
        found.append(_make(year, int(second), first))
        found.append(_make(year, int(first), second))
    for match in _ISO.finditer(folded):
        year, month, day = match.groups()
        found.append(_make(year, int(month), day))
    return [date for date in found if date is not None]
