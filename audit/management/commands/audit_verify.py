from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.selectors import audit_verify
from audit.services import audit_seal_all


class Command(BaseCommand):
    help = (
        "Verify the audit log: every event's content hash, every seal's Merkle root and the "
        "chain of seals. Exits non-zero when anything was edited or deleted. Keep the printed "
        "head hash somewhere outside this database and pass it back with --expect-head."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--expect-head", help="A head hash recorded earlier.")
        parser.add_argument(
            "--no-seal", action="store_true", help="Do not seal pending events first."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_seal"]:
            audit_seal_all()
        report = audit_verify(expected_head=options["expect_head"])
        summary = {
            "ok": report.ok,
            "seals_checked": report.seals_checked,
            "events_checked": report.events_checked,
            "unsealed_events": report.unsealed_events,
            "head_hash": report.head_hash,
            "problems": report.problems,
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            self.stdout.write(
                f"Checked {report.events_checked} events in {report.seals_checked} seals "
                f"({report.unsealed_events} not yet sealed). Head: {report.head_hash}"
            )
            for problem in report.problems:
                self.stdout.write(f"PROBLEM: {problem}")
        if not report.ok:
            raise CommandError(
                f"The audit log failed verification ({len(report.problems)} problems)."
            )
