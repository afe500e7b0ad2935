"""The parsed fields and every check as a JSON-serialisable dict (for ``mrz_check``, the API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeAlias

from attestations.mrz.consistency import Claim, check_claim
from attestations.mrz.parser import parse_mrz
from attestations.mrz.rules import DocumentRule
from attestations.mrz.types import Check, MrzDate, MrzFields, MrzReading

JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | dict[str, "JsonValue"] | None


def _date(value: MrzDate) -> dict[str, JsonValue]:
    return {"raw": value.raw, "date": value.value.isoformat() if value.value else None}


def fields_to_json(fields: MrzFields) -> dict[str, JsonValue]:
    return {
        "format": fields.format.value,
        "lines": list(fields.lines),
        "document_code": fields.document_code,
        "issuer": fields.issuer,
        "surname": fields.name.surname,
        "given_names": fields.name.given_names,
        "name_truncated": fields.name.truncated,
        "document_number": fields.document_number,
        "nationality": fields.nationality,
        "birth_date": _date(fields.birth_date),
        "sex": fields.sex,
        "expiry_date": _date(fields.expiry_date),
        "optional_data": fields.optional_data,
        "optional_data_2": fields.optional_data_2,
    }


def check_to_json(check: Check) -> dict[str, JsonValue]:
    return {"name": check.name, "passed": check.passed, "message": check.message}


def mrz_report(*, reading: MrzReading, claim_checks: Sequence[Check] = ()) -> dict[str, JsonValue]:
    """``passed`` is True only when the MRZ parsed and every check, of both kinds, passed."""
    checks = [*reading.checks, *claim_checks]
    return {
        "passed": reading.fields is not None and all(check.passed for check in checks),
        "fields": fields_to_json(reading.fields) if reading.fields else None,
        "checks": [check_to_json(check) for check in checks],
    }


def mrz_check_report(
    raw: str | Sequence[str],
    *,
    today: dt.date,
    claim: Claim | None = None,
    rules: tuple[DocumentRule, ...] | None = None,
) -> dict[str, JsonValue]:
    """Parse, check against ``claim`` when given, and report: what ``mrz_check`` prints."""
    reading = parse_mrz(raw, today=today)
    claim_checks = (
        check_claim(fields=reading.fields, claim=claim, rules=rules)
        if claim is not None and reading.fields is not None
        else ()
    )
    return mrz_report(reading=reading, claim_checks=claim_checks)
