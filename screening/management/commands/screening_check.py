"""``manage.py screening_check NAME [--birth-date ...] [--country CC] [--type ...] --json``
or ``--file PATH --json``: screen names against the current lists.

The file is a CSV with the header ``name,birth_date,country,type`` (the last
three optional); each row prints one JSON object with its line number. A bad
row prints its error instead of matches; the others are still screened.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from screening.matching.index import Candidate, Query, SubjectKind, current_index

TYPES: dict[str, SubjectKind] = {
    "person": "person",
    "individual": "person",
    "entity": "organization",
    "organization": "organization",
    "organisation": "organization",
}
MAX_ROWS = 1_000_000


def _match(candidate: Candidate) -> dict[str, Any]:
    return {
        "entry_id": candidate.entry.id,
        "source": candidate.entry.source_list,
        "name": candidate.entry.name,
        "matched_name": candidate.matched_name,
        "score": candidate.score,
        "features": candidate.features,
    }


def parse_query(name: str, birth_date: str, country: str, kind: str) -> Query:
    """A query from text fields; ValueError with a sentence for the person."""
    name = name.strip()
    if not name:
        raise ValueError("the name is empty.")
    born = None
    if birth_date.strip():
        try:
            born = date.fromisoformat(birth_date.strip())
        except ValueError:
            raise ValueError(f"{birth_date.strip()[:20]!r} is not a date (YYYY-MM-DD).") from None
    code = country.strip().upper()
    if code and (len(code) != 2 or not code.isalpha()):
        raise ValueError(f"{country.strip()[:20]!r} is not a two-letter country code.")
    typed = kind.strip().lower()
    if typed and typed not in TYPES:
        raise ValueError(f"{kind.strip()[:20]!r} is not a type; use person or entity.")
    return Query(name, birth_date=born, countries=(code,) if code else (), kind=TYPES.get(typed))


class Command(BaseCommand):
    help = "Screen a name, or a CSV of names, against the current restricted-party lists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="the name to screen")
        parser.add_argument("--birth-date", default="", help="YYYY-MM-DD")
        parser.add_argument("--country", default="", help="ISO 3166-1 alpha-2")
        parser.add_argument("--type", default="", choices=["", "person", "entity"])
        parser.add_argument("--file", help="CSV: name,birth_date,country,type")
        parser.add_argument("--threshold", type=float, help="override IDV_SCREENING_THRESHOLD")
        parser.add_argument("--json", action="store_true", help="JSON output (the only form)")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        threshold = options["threshold"]
        if threshold is None:
            threshold = settings.IDV_SCREENING_THRESHOLD
        if not 0 <= threshold <= 1:
            raise CommandError("--threshold must be between 0 and 1.")
        if bool(options["name"]) == bool(options["file"]):
            raise CommandError("Give either a NAME or --file PATH.")
        index = current_index()
        if not index.version:
            raise CommandError("No list is loaded; run screening_import first.")
        if options["file"]:
            self._file(Path(options["file"]), index, threshold)
            return
        try:
            query = parse_query(
                options["name"], options["birth_date"], options["country"], options["type"]
            )
        except ValueError as exc:
            raise CommandError(f"Cannot screen: {exc}") from None
        matches = index.search(query, threshold=threshold)
        body = {"matches": [_match(c) for c in matches], "list_version": index.version}
        self.stdout.write(json.dumps(body, ensure_ascii=False))

    def _file(self, path: Path, index: Any, threshold: float) -> None:
        try:
            handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror}).") from None
        with handle:
            reader = csv.reader(handle, strict=True)
            try:
                header = [column.strip().lower() for column in next(reader, [])]
                if (
                    not header
                    or header[0] != "name"
                    or not set(header)
                    <= {
                        "name",
                        "birth_date",
                        "country",
                        "type",
                    }
                ):
                    raise CommandError(
                        f"{path}: line 1: the header must be name,birth_date,country,type "
                        "(the last three optional)."
                    )
                line = reader.line_num + 1
                for count, fields in enumerate(reader):
                    if count >= MAX_ROWS:
                        raise CommandError(f"{path}: more than {MAX_ROWS} rows.")
                    self.stdout.write(
                        json.dumps(
                            self._row(line, header, fields, index, threshold), ensure_ascii=False
                        )
                    )
                    line = reader.line_num + 1
            except csv.Error as exc:
                raise CommandError(
                    f"{path}: line {reader.line_num}: malformed CSV ({exc})."
                ) from None
            except UnicodeDecodeError:
                raise CommandError(f"{path}: the file is not UTF-8 text.") from None

    def _row(
        self, line: int, header: list[str], fields: list[str], index: Any, threshold: float
    ) -> dict[str, Any]:
        if len(fields) > len(header):
            return {"line": line, "error": f"expected {len(header)} columns, found {len(fields)}."}
        values = dict(zip(header, fields, strict=False))
        try:
            query = parse_query(
                values.get("name", ""),
                values.get("birth_date", ""),
                values.get("country", ""),
                values.get("type", ""),
            )
        except ValueError as exc:
            return {"line": line, "error": str(exc)}
        matches = index.search(query, threshold=threshold)
        return {
            "line": line,
            "matches": [_match(c) for c in matches],
            "list_version": index.version,
        }
