"""The Consolidated Screening List (trade.gov): its CSV download and its JSON form."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from screening.formats.common import (
    ImportRefused,
    ParsedEntry,
    ParsedList,
    birth_date_text,
    country_code,
    csv_rows,
    iso_date,
    read_text,
    split_values,
)
from screening.models import EntryKind

# Without these a row cannot be screened or attributed.
REQUIRED_COLUMNS = ("source", "name")
KNOWN_COLUMNS = frozenset(
    [
        "_id",
        "source",
        "entity_number",
        "type",
        "programs",
        "name",
        "title",
        "addresses",
        "federal_register_notice",
        "start_date",
        "end_date",
        "standard_order",
        "license_requirement",
        "license_policy",
        "call_sign",
        "vessel_type",
        "gross_tonnage",
        "gross_registered_tonnage",
        "vessel_flag",
        "vessel_owner",
        "remarks",
        "source_list_url",
        "alt_names",
        "citizenships",
        "dates_of_birth",
        "nationalities",
        "places_of_birth",
        "source_information_url",
        "ids",
    ]
)
_KINDS = {
    "individual": EntryKind.INDIVIDUAL,
    "entity": EntryKind.ENTITY,
    "vessel": EntryKind.VESSEL,
    "aircraft": EntryKind.AIRCRAFT,
}
_DATES = ("%Y-%m-%d", "%m/%d/%Y")


def _values(value: Any) -> list[str]:
    """A multi-valued field: "; "-joined text in the CSV, a list (or text) in JSON."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return split_values(str(value))


def _address_countries(value: Any) -> list[str]:
    codes: list[str] = []
    if isinstance(value, list):
        for item in value:
            text = item.get("country", "") if isinstance(item, Mapping) else str(item)
            codes.append(country_code(str(text or "").rsplit(",", 1)[-1]))
    else:
        codes = [country_code(part.rsplit(",", 1)[-1]) for part in _values(value)]
    return sorted({code for code in codes if code})


def _name(value: str) -> str:
    # The State Department's sanctions name successors in the name cell itself.
    return value.split("; and any successor", maxsplit=1)[0].strip()


def _entry(row: Mapping[str, Any], *, file: str, line: int) -> ParsedEntry:
    name = _name(str(row.get("name") or ""))
    source = str(row.get("source") or "").strip()
    if not name:
        raise ImportRefused("the name is empty.", file=file, line=line)
    if not source:
        raise ImportRefused("the source list is empty.", file=file, line=line)
    kind = _KINDS.get(str(row.get("type") or "").strip().casefold(), EntryKind.UNKNOWN)
    return ParsedEntry(
        source_list=source[:200],
        name=name,
        kind=kind,
        entity_number=str(row.get("entity_number") or "").strip()[:64],
        aliases=[_name(alias) for alias in _values(row.get("alt_names")) if _name(alias)],
        dates_of_birth=[birth_date_text(d) for d in _values(row.get("dates_of_birth"))],
        nationalities=sorted(
            {c for c in map(country_code, _values(row.get("nationalities"))) if c}
        ),
        citizenships=sorted({c for c in map(country_code, _values(row.get("citizenships"))) if c}),
        address_countries=_address_countries(row.get("addresses")),
        programs=_values(row.get("programs")),
        start_date=iso_date(str(row.get("start_date") or ""), file=file, line=line, formats=_DATES),
        end_date=iso_date(str(row.get("end_date") or ""), file=file, line=line, formats=_DATES),
        list_url=str(row.get("source_list_url") or "").strip()[:500],
        remarks=str(row.get("remarks") or "")[:2000],
    )


def read_csl_csv(path: Path) -> ParsedList:
    text, raw = read_text(path)
    file = path.name
    rows = csv_rows(text, file=file, width=None)
    first = next(rows, None)
    if first is None:
        raise ImportRefused("the file is empty.", file=file)
    header = [column.strip().lstrip("\ufeff") for column in first[1]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing or not set(header) & KNOWN_COLUMNS - set(REQUIRED_COLUMNS):
        raise ImportRefused(
            "the header is not the Consolidated Screening List's (missing: "
            f"{', '.join(missing) or 'its other columns'}).",
            file=file,
            line=1,
        )
    entries = []
    for line, fields in rows:
        if len(fields) != len(header):
            raise ImportRefused(
                f"expected {len(header)} columns, found {len(fields)} (a truncated file or a "
                "comma outside quotes).",
                file=file,
                line=line,
            )
        entries.append(_entry(dict(zip(header, fields, strict=True)), file=file, line=line))
    return ParsedList("csl-csv", entries, hashlib.sha256(raw).hexdigest())


def read_csl_json(path: Path) -> ParsedList:
    text, raw = read_text(path)
    file = path.name
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"malformed JSON ({exc.msg}).", file=file, line=exc.lineno) from None
    results = document.get("results") if isinstance(document, dict) else document
    if not isinstance(results, list):
        raise ImportRefused('expected a list of entries, or an object with "results".', file=file)
    entries = []
    for number, item in enumerate(results, 1):
        if not isinstance(item, dict):
            raise ImportRefused(f"entry {number} is not an object.", file=file)
        try:
            entries.append(_entry(item, file=file, line=number))
        except ImportRefused as exc:
            raise ImportRefused(f"entry {number}: {exc.reason}", file=file) from None
    return ParsedList("csl-json", entries, hashlib.sha256(raw).hexdigest())
