from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import hashing
from audit.heads import HeadError, SignedHead, parse_head
from audit.selectors import VerifyReport, audit_verify
from audit.services import audit_seal_all


def _read_head(value: str) -> SignedHead:
    """A head given as JSON text, ``-`` (standard input) or the path of a file holding it."""
    if value.lstrip().startswith("{"):
        text, where = value, "The head given"
    elif value == "-":
        text, where = sys.stdin.read(), "The head on standard input"
    else:
        try:
            text = Path(value).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"--consistent-with {value}: cannot read it ({exc.strerror})."
            ) from None
        except UnicodeDecodeError:
            raise CommandError(f"--consistent-with {value}: it is not UTF-8 text.") from None
        where = f"The head in {value}"
    try:
        return parse_head(text)
    except HeadError as exc:
        raise CommandError(f"{where} is not a signed head from `audit_head`: {exc}") from None


def _summary(report: VerifyReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "seals_checked": report.seals_checked,
        "events_checked": report.events_checked,
        "unsealed_events": report.unsealed_events,
        "oldest_unsealed": hashing.timestamp(report.oldest_unsealed)
        if report.oldest_unsealed
        else None,
        "legacy_seals": report.legacy_seals,
        "legacy_events": report.legacy_events,
        "heads_checked": report.heads_checked,
        "head": report.head.as_json() if report.head else None,
        "problems": report.problems,
    }


class Command(BaseCommand):
    help = (
        "Verify the audit log from its first seal: every event's content hash, every "
        "seal's Merkle root, link and signature, and the MACs of events not sealed yet. "
        "With --consistent-with, also prove that the log extends signed heads stored "
        "earlier (from `audit_head`). Exits non-zero when anything was forged, edited or removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--consistent-with",
            action="append",
            default=[],
            metavar="HEAD",
            help="A signed head printed earlier by `audit_head`: a file, '-' for standard "
            "input, or the JSON itself. May be given more than once.",
        )
        parser.add_argument("--expect-head", help=argparse.SUPPRESS, default=None)
        parser.add_argument(
            "--no-seal", action="store_true", help="Do not seal pending events first."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["expect_head"] is not None:
            raise CommandError(
                "--expect-head is gone: a bare hash cannot tell growth from rewriting. Store "
                "the signed head `manage.py audit_head` prints and pass it with --consistent-with."
            )
        heads = [_read_head(value) for value in options["consistent_with"]]
        if not options["no_seal"]:
            audit_seal_all()
        report = audit_verify(heads=heads)
        if options["json"]:
            self.stdout.write(json.dumps(_summary(report), indent=2))
        else:
            self._describe(report)
        if not report.ok:
            raise CommandError(
                f"The audit log failed verification ({len(report.problems)} problems)."
            )

    def _describe(self, report: VerifyReport) -> None:
        head = report.head
        self.stdout.write(
            f"Checked {report.events_checked} events in {report.seals_checked} seals "
            f"({report.unsealed_events} not yet sealed). "
            + (f"Head: {head.size} events, seal #{head.seq}, {head.head_hash}" if head else "")
        )
        if report.unsealed_events and report.oldest_unsealed:
            self.stdout.write(
                f"The oldest unsealed event was written at "
                f"{hashing.timestamp(report.oldest_unsealed)}."
            )
        if report.legacy_seals:
            self.stdout.write(
                f"{report.legacy_events} events in {report.legacy_seals} seals predate signed "
                "sealing: they are only as trustworthy as the log was when the first signed "
                "seal covered them."
            )
        if report.heads_checked:
            verdict = "extends" if report.ok else "was checked against"
            self.stdout.write(f"The log {verdict} {report.heads_checked} stored head(s).")
        for problem in report.problems:
            self.stdout.write(f"PROBLEM: {problem}")
