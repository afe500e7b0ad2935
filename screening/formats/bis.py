"""The BIS Denied Persons List: tab-separated, quoted, one row per party and address."""

from __future__ import annotations

import hashlib
from pathlib import Path

from screening.formats.common import (
    ImportRefused,
    ParsedEntry,
    ParsedList,
    country_code,
    csv_rows,
    iso_date,
    read_text,
)

SOURCE = "Denied Persons List (DPL) - Bureau of Industry and Security"
LIST_URL = "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/denied-persons-list"
COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
_DATES = ("%m/%d/%Y", "%Y-%m-%d")


def read_bis_dpl(path: Path) -> ParsedList:
    text, raw = read_text(path)
    file = path.name
    rows = csv_rows(text, file=file, width=None, delimiter="\t")
    first = next(rows, None)
    header = [c.strip() for c in first[1]] if first else []
    missing = [c for c in ("Name", "Country", "Effective_Date") if c not in header]
    if missing:
        raise ImportRefused(
            f"the header is not the Denied Persons List's (missing: {', '.join(missing)}).",
            file=file,
            line=1,
        )
    entries: dict[str, ParsedEntry] = {}
    for line, fields in rows:
        if len(fields) != len(header):
            raise ImportRefused(
                f"expected {len(header)} columns, found {len(fields)} (a truncated file?).",
                file=file,
                line=line,
            )
        row = dict(zip(header, fields, strict=True))
        name = " ".join(row["Name"].split())
        if not name:
            raise ImportRefused("the name is empty.", file=file, line=line)
        start = iso_date(row["Effective_Date"], file=file, line=line, formats=_DATES)
        end = iso_date(row.get("Expiration_Date", ""), file=file, line=line, formats=_DATES)
        code = country_code(row["Country"])
        # The same party appears once per address; one entry keeps all their countries.
        entry = entries.get(name.casefold())
        if entry is None:
            entry = entries[name.casefold()] = ParsedEntry(
                source_list=SOURCE,
                name=name,
                start_date=start,
                end_date=end,
                list_url=LIST_URL,
                remarks=row.get("FR_Citation", "")[:2000],
            )
        if code and code not in entry.address_countries:
            entry.address_countries.append(code)
    return ParsedList("bis-dpl", list(entries.values()), hashlib.sha256(raw).hexdigest())
