"""``manage.py mrz_check [LINES ...]``: parse MRZ lines and print every named check as JSON.

For support staff: give the lines as arguments, or pipe them on standard
input (one MRZ line per row). Exits 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attestations.mrz import mrz_check_report


class Command(BaseCommand):
    help = (
        "Parse MRZ lines (arguments or stdin) and print the fields and every named check as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("lines", nargs="*", help="MRZ lines; read from stdin when none given")

    def handle(self, *args: Any, **options: Any) -> None:
        lines: list[str] = list(options["lines"]) or [
            line.strip() for line in sys.stdin.read().splitlines() if line.strip()
        ]
        if not lines:
            raise CommandError("Give the MRZ lines as arguments or on standard input.")
        report = mrz_check_report(lines, today=timezone.now().date())
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        if not report["passed"]:
            sys.exit(1)
