"""What every list reader shares: the parsed entry, the refusal, strict text and CSV reading."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pycountry

from idverify.errors import ValidationFailed
from screening.models import EntryKind, Feed

FORMATS = ("csl-csv", "csl-json", "ofac-sdn", "bis-dpl")
FORMAT_FEED = {
    "csl-csv": Feed.CSL,
    "csl-json": Feed.CSL,
    "ofac-sdn": Feed.OFAC_SDN,
    "bis-dpl": Feed.BIS_DPL,
}
# Longest list file accepted (the whole CSL is about 10 MB).
MAX_FILE_BYTES = 200_000_000
MAX_FIELD = 100_000


class ImportRefused(ValidationFailed):
    code = "screening.import_refused"
    default_message = "The list file was refused; the lists in force are unchanged."

    def __init__(self, reason: str, *, file: str = "", line: int | None = None) -> None:
        where = ", ".join(
            part for part in (file, f"line {line}" if line is not None else "") if part
        )
        super().__init__(
            f"{where}: {reason}" if where else reason,
            extra={"line": line, "file": file, "reason": reason},
        )
        self.line = line
        self.reason = reason


@dataclass
class ParsedEntry:
    source_list: str
    name: str
    kind: str = EntryKind.UNKNOWN
    entity_number: str = ""
    aliases: list[str] = field(default_factory=list)
    dates_of_birth: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    address_countries: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    start_date: date | None = None
    end_date: date | None = None
    list_url: str = ""
    remarks: str = ""

    @property
    def key(self) -> str:
        """Stable across snapshots: the list's own number, else the listed name."""
        source = hashlib.sha256(self.source_list.encode()).hexdigest()[:8]
        if self.entity_number:
            return f"{source}:{self.entity_number}"[:200]
        name = hashlib.sha256(" ".join(self.name.casefold().split()).encode()).hexdigest()
        return f"{source}:n{name[:32]}"

    @property
    def fingerprint(self) -> str:
        """Digest of what matching reads; a change re-opens a cleared match."""
        relevant = [
            self.kind,
            self.name,
            sorted(self.aliases),
            sorted(self.dates_of_birth),
            sorted(self.nationalities),
            sorted(self.citizenships),
            sorted(self.address_countries),
        ]
        return hashlib.sha256(json.dumps(relevant, ensure_ascii=False).encode()).hexdigest()


@dataclass
class ParsedList:
    format: str
    entries: list[ParsedEntry]
    sha256: str

    @property
    def alias_count(self) -> int:
        return sum(len(entry.aliases) for entry in self.entries)


def read_text(path: Path) -> tuple[str, bytes]:
    """The file as text (UTF-8, BOM allowed), and its bytes for the digest."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportRefused(f"the file is larger than {MAX_FILE_BYTES} bytes.", file=name)
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"the file cannot be read ({exc.strerror}).", file=name) from None
    if not raw.strip(b" \t\r\n\x1a\xef\xbb\xbf"):
        raise ImportRefused("the file is empty.", file=name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded).",
            file=name,
            line=line,
        ) from None
    # A BOM from spreadsheet exports; OFAC's legacy files may end with a DOS EOF mark.
    return text.removeprefix("\ufeff").rstrip("\x1a"), raw


def csv_rows(
    text: str, *, file: str, width: int | None, delimiter: str = ","
) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) for each non-blank record; a broken quote or a row of the wrong
    width (a truncated or mangled file) refuses the whole file."""
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for fields in reader:
            if fields and any(value.strip() for value in fields):
                if width is not None and len(fields) != width:
                    raise ImportRefused(
                        f"expected {width} columns, found {len(fields)} (a truncated file or "
                        "a comma outside quotes).",
                        file=file,
                        line=line,
                    )
                yield line, fields
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportRefused(f"malformed CSV ({exc}).", file=file, line=line) from None


def split_values(value: str, separator: str = ";") -> list[str]:
    """A multi-valued cell; the CSL joins lists of names with "; " and sometimes "; and "."""
    items = []
    for part in value.split(separator):
        cleaned = re.sub(r"^\s*and\s+", "", part).strip()
        if cleaned and cleaned != "-0-":
            items.append(cleaned)
    return items


def ofac_blank(value: str) -> str:
    cleaned = value.strip()
    return "" if cleaned == "-0-" else cleaned


# Country names as U.S. lists spell them that ISO 3166 (pycountry) does not.
_COUNTRY_NAMES = {
    "russia": "RU",
    "korea, north": "KP",
    "north korea": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "burma": "MM",
    "congo, democratic republic of the": "CD",
    "congo, republic of the": "CG",
    "palestinian": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "turkey": "TR",
    "cote d ivoire": "CI",
    "cote d'ivoire": "CI",
    "macedonia": "MK",
    "kosovo": "XK",
    "region: crimea": "UA",
    "region: gaza": "PS",
}


@lru_cache(maxsize=4096)
def country_code(value: str) -> str:
    """ISO 3166-1 alpha-2 for a code or a country name; "" when it is neither."""
    cleaned = value.strip().strip(".").strip()
    if not cleaned:
        return ""
    if len(cleaned) == 2 and cleaned.isalpha():
        return cleaned.upper()
    known = _COUNTRY_NAMES.get(cleaned.casefold())
    if known:
        return known
    try:
        return str(pycountry.countries.lookup(cleaned).alpha_2)
    except LookupError:
        return ""


def iso_date(value: str, *, file: str, line: int, formats: tuple[str, ...]) -> date | None:
    cleaned = value.strip()
    if not cleaned or cleaned == "-0-":
        return None
    for fmt in formats:
        try:
            return datetime.strptime(cleaned, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ImportRefused(f"{cleaned!r} is not a date.", file=file, line=line)


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def birth_date_text(value: str) -> str:
    """A published birth date as ISO text when it is one ("10 Dec 1948" -> "1948-12-10",
    "Dec 1948" -> "1948-12"); ranges and "circa" forms are kept as published."""
    cleaned = value.strip().rstrip(".").strip()
    match = re.fullmatch(r"(?:(\d{1,2}) )?([A-Za-z]{3})[a-z]* (\d{4})", cleaned)
    if match and match.group(2).casefold() in _MONTHS:
        month = _MONTHS[match.group(2).casefold()]
        if match.group(1):
            return f"{match.group(3)}-{month:02d}-{int(match.group(1)):02d}"
        return f"{match.group(3)}-{month:02d}"
    return cleaned
