"""``manage.py screening_import PATH [--format ...] [--force]``: load a list snapshot.

PATH is a CSL CSV or JSON file, the BIS Denied Persons List (tab-separated), or
OFAC's legacy SDN files (a directory holding sdn.csv, alt.csv and add.csv).
A malformed file is refused with its line and reason; the lists in force stay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from screening.formats import FORMATS, ImportRefused
from screening.services.snapshots import snapshot_import


class Command(BaseCommand):
    help = "Load a restricted-party list snapshot (CSL CSV/JSON, OFAC SDN, BIS DPL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the list file, or OFAC's directory")
        parser.add_argument("--format", choices=FORMATS, help="guessed from the content if absent")
        parser.add_argument(
            "--force",
            action="store_true",
            help="import even if unchanged or much smaller than the list in force",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = snapshot_import(
                path=Path(options["path"]), fmt=options["format"], force=options["force"]
            )
        except ImportRefused as exc:
            raise CommandError(f"Refused: {exc.message}") from None
        snapshot = result.snapshot
        if not result.changed:
            self.stdout.write(
                f"Unchanged: {snapshot.feed} snapshot {snapshot.pk} already has this content "
                f"({snapshot.entry_count} entries)."
            )
            return
        previous = "" if result.previous_count is None else f", was {result.previous_count}"
        self.stdout.write(
            f"Imported {snapshot.feed} ({snapshot.format}): {snapshot.entry_count} entries, "
            f"{snapshot.alias_count} aliases{previous}; sha256 {snapshot.sha256}. "
            f"Lists in force: {result.list_version}"
        )
