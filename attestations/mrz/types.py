"""Value types shared by the MRZ parser, the consistency checks and the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Check:
    """One named check: ``name`` is a stable code, ``message`` a sentence for the user."""

    name: str
    passed: bool
    message: str


class MrzFormat(StrEnum):
    TD1 = "TD1"
    TD2 = "TD2"
    TD3 = "TD3"

    @property
    def line_count(self) -> int:
        return 3 if self is MrzFormat.TD1 else 2

    @property
    def line_length(self) -> int:
        return {MrzFormat.TD1: 30, MrzFormat.TD2: 36, MrzFormat.TD3: 44}[self]

    @property
    def description(self) -> str:
        return {
            MrzFormat.TD1: "ID card (TD1, 3 lines of 30 characters)",
            MrzFormat.TD2: "ID document (TD2, 2 lines of 36 characters)",
            MrzFormat.TD3: "passport (TD3, 2 lines of 44 characters)",
        }[self]


@dataclass(frozen=True, slots=True)
class MrzDate:
    """A YYMMDD field: ``value`` is None when the field is not a complete real date."""

    raw: str
    value: dt.date | None


@dataclass(frozen=True, slots=True)
class MrzName:
    """The name field: primary identifier (surname) and secondary identifier (given names).

    Parts are separated by single spaces. ``truncated`` is True when the field is
    full to its last position, which is how ICAO 9303 shows a name that may have
    been cut short.
    """

    raw: str
    surname: str
    given_names: str
    truncated: bool


@dataclass(frozen=True, slots=True)
class MrzFields:
    """Every field of a parsed MRZ, fillers removed except in ``lines``."""

    format: MrzFormat
    lines: tuple[str, ...]
    document_code: str
    issuer: str
    name: MrzName
    document_number: str
    nationality: str
    birth_date: MrzDate
    sex: str
    expiry_date: MrzDate
    optional_data: str
    optional_data_2: str

    @property
    def personal_number(self) -> str:
        """TD3 calls its optional field the personal number."""
        return self.optional_data if self.format is MrzFormat.TD3 else ""


@dataclass(frozen=True, slots=True)
class MrzReading:
    """The outcome of parsing: ``fields`` is None when the text is not an MRZ at all."""

    fields: MrzFields | None
    checks: tuple[Check, ...]

    @property
    def valid(self) -> bool:
        return self.fields is not None and all(check.passed for check in self.checks)

    def check(self, name: str) -> Check | None:
        return next((check for check in self.checks if check.name == name), None)
