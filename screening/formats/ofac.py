"""OFAC's legacy SDN files: sdn.csv, with alt.csv (aliases) and add.csv (addresses)
beside it. No header; "-0-" means empty; birth dates and nationalities live in the
remarks as free text ("DOB 10 Dec 1948; nationality Iran; ...")."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from screening.formats.common import (
    ImportRefused,
    ParsedEntry,
    ParsedList,
    birth_date_text,
    country_code,
    csv_rows,
    ofac_blank,
    read_text,
)
from screening.models import EntryKind

SOURCE = "Specially Designated Nationals (SDN) - Treasury Department"
LIST_URL = "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists"
_KINDS = {
    "individual": EntryKind.INDIVIDUAL,
    "vessel": EntryKind.VESSEL,
    "aircraft": EntryKind.AIRCRAFT,
}
_DOB = re.compile(r"\bDOB ([^;]+)")
_NATIONALITY = re.compile(r"\bnationality ([^;]+)")
_CITIZEN = re.compile(r"\bcitizen ([^;]+)")


def _ent_num(value: str, *, file: str, line: int) -> str:
    number = value.strip()
    if not number.isdigit():
        raise ImportRefused(f"the entry number {number!r} is not a number.", file=file, line=line)
    return number


def _countries(pattern: re.Pattern[str], remarks: str) -> list[str]:
    return sorted({c for c in (country_code(m) for m in pattern.findall(remarks)) if c})


def read_ofac(path: Path) -> ParsedList:
    """``path`` is the directory holding the files, or sdn.csv itself."""
    folder = path if path.is_dir() else path.parent
    sdn = folder / "sdn.csv" if path.is_dir() else path
    if not sdn.is_file():
        raise ImportRefused("sdn.csv is missing from the directory.", file=str(folder))
    digest = hashlib.sha256()
    text, raw = read_text(sdn)
    digest.update(b"sdn\0" + raw)
    entries: dict[str, ParsedEntry] = {}
    for line, fields in csv_rows(text, file=sdn.name, width=12):
        number = _ent_num(fields[0], file=sdn.name, line=line)
        name = ofac_blank(fields[1])
        if not name:
            raise ImportRefused("the name is empty.", file=sdn.name, line=line)
        remarks = ofac_blank(fields[11])
        entries[number] = ParsedEntry(
            source_list=SOURCE,
            name=name,
            kind=_KINDS.get(ofac_blank(fields[2]).casefold(), EntryKind.ENTITY),
            entity_number=number,
            programs=[p.strip() for p in ofac_blank(fields[3]).strip("[]").split("] [") if p],
            dates_of_birth=[birth_date_text(d) for d in _DOB.findall(remarks)],
            nationalities=_countries(_NATIONALITY, remarks),
            citizenships=_countries(_CITIZEN, remarks),
            list_url=LIST_URL,
            remarks=remarks[:2000],
        )
    for file_name, width in (("alt.csv", 5), ("add.csv", 6)):
        extra = folder / file_name
        if not extra.is_file():
            continue
        text, raw = read_text(extra)
        digest.update(f"{file_name}\0".encode() + raw)
        for line, fields in csv_rows(text, file=file_name, width=width):
            entry = entries.get(_ent_num(fields[0], file=file_name, line=line))
            if entry is None:
                raise ImportRefused(
                    f"entry {fields[0].strip()} is not in sdn.csv.", file=file_name, line=line
                )
            if file_name == "alt.csv":
                alias = ofac_blank(fields[3])
                if alias:
                    entry.aliases.append(alias)
            else:
                code = country_code(ofac_blank(fields[4]))
                if code and code not in entry.address_countries:
                    entry.address_countries.append(code)
    return ParsedList("ofac-sdn", list(entries.values()), digest.hexdigest())
