from __future__ import annotations

import csv
import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware

from audit.selectors import EXPORT_FIELDS, audit_events_for_export
from audit.services import audit_seal_all
from idverify.csvsafe import neutralise


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--{name} {value!r} is not a date (YYYY-MM-DD) or ISO date-time.")
        parsed = datetime(day.year, day.month, day.day)  # noqa: DTZ001 - made aware below
    return make_aware(parsed) if is_naive(parsed) else parsed


class Command(BaseCommand):
    help = "Export audit events (oldest first) as JSON Lines or CSV on stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since", help="Start (inclusive), YYYY-MM-DD or ISO date-time; UTC if no zone."
        )
        parser.add_argument("--until", help="End (exclusive), same format.")
        parser.add_argument("--action", help="Only events with this action, e.g. token.issued.")
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _when(options["since"], "since")
        until = _when(options["until"], "until")
        audit_seal_all()
        rows = audit_events_for_export(since=since, until=until, action=options["action"])
        if options["format"] == "jsonl":
            for row in rows:
                self.stdout.write(json.dumps(row, ensure_ascii=False, sort_keys=True))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(EXPORT_FIELDS)
        for row in rows:
            row["data"] = json.dumps(row["data"], ensure_ascii=False, sort_keys=True)
            writer.writerow([neutralise(row[name]) for name in EXPORT_FIELDS])
