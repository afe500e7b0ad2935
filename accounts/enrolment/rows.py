"""One CSV row: checked column by column into a clean record or a list of errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from accounts.email_addresses import FORMULA_CODE, FORMULA_MESSAGE
from accounts.enrolment.csvfile import COLUMNS
from idverify.csvsafe import formula_start

MAX_LENGTHS = {
    "email": 254,
    "given_name": 150,
    "family_name": 150,
    "employee_id": 64,
    "department": 150,
    "sponsor": 20,
}
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0", ""})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_validate_email = EmailValidator()


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class CleanRow:
    email: str
    given_name: str
    family_name: str
    employee_id: str
    department: str
    sponsor: bool


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, str]
    clean: CleanRow | None = None
    errors: list[RowError] = field(default_factory=list)
    status: str = ""
    # Restricted-party screening of an applied row: clear, potential_match or not_screened.
    screening: str = ""

    def invalidate(self, column: str, code: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, code, message))
        self.clean = None


def _email_problem(email: str) -> tuple[str, str] | None:
    """(code, message) of what is wrong with a row's email address, if anything."""
    if not email:
        return "required", "An email address is required."
    if formula_start(email):
        return FORMULA_CODE, FORMULA_MESSAGE
    try:
        _validate_email(email)
    except ValidationError:
        return "invalid_email", "This is not a valid email address."
    return None


def check_row(line: int, fields: list[str], columns: tuple[str, ...]) -> Row:
    values = dict.fromkeys(COLUMNS, "")
    for name, value in zip(columns, fields, strict=False):
        values[name] = value
    row = Row(line=line, values=values)
    if len(fields) > len(columns):
        row.invalidate(
            "",
            "wrong_field_count",
            f"This row has {len(fields)} values but the header names {len(columns)} columns "
            "(a comma inside a value needs quotes).",
        )
    cleaned: dict[str, str] = {}
    for name in COLUMNS:
        value = values[name].strip()
        limit = MAX_LENGTHS[name]
        if len(value) > limit:
            row.invalidate(
                name, "too_long", f"At most {limit} characters are allowed; this has {len(value)}."
            )
        elif _CONTROL.search(value):
            row.invalidate(name, "invalid_characters", "Remove control characters from the value.")
        cleaned[name] = value
    email = cleaned["email"].lower()
    if len(email) <= MAX_LENGTHS["email"] and (problem := _email_problem(email)):
        row.invalidate("email", *problem)
    for name in ("given_name", "family_name"):
        if not cleaned[name]:
            row.invalidate(name, "required", "This column must not be empty.")
    sponsor = cleaned["sponsor"].lower()
    if sponsor not in _YES and sponsor not in _NO:
        row.invalidate("sponsor", "invalid_choice", "Use yes or no (or leave it empty for no).")
    if not row.errors:
        row.clean = CleanRow(
            email=email,
            given_name=cleaned["given_name"],
            family_name=cleaned["family_name"],
            employee_id=cleaned["employee_id"],
            department=cleaned["department"],
            sponsor=sponsor in _YES,
        )
    return row
