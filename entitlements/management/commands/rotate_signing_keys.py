from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entitlements.services.keys import signing_keys_rotate, signing_keys_rotate_if_due
from idverify.errors import Conflict


class Command(BaseCommand):
    help = (
        "One signing-key rotation step: retiring -> retired, active -> retiring, "
        "next -> active, and a new next key. Creates the first keys on a fresh installation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-due",
            action="store_true",
            help="Only create the first keys or rotate when the active key has reached "
            "IDV_SIGNING_KEY_ROTATION_DAYS (what the periodic task does; safe to repeat).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Rotate even if verifiers may not have the next key yet or tokens signed by "
            "the retiring key are still live. Only for a compromised key.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_due"]:
            result = signing_keys_rotate_if_due()
            if result is None:
                self.stdout.write("Signing keys are current; nothing to do.")
                return
        else:
            try:
                result = signing_keys_rotate(force=options["force"])
            except Conflict as exc:
                raise CommandError(exc.message) from None
        self.stdout.write(result.message)
        for label, kid in (
            ("active", result.activated),
            ("retiring", result.retiring),
            ("retired", result.retired),
            ("next", result.next),
        ):
            if kid:
                self.stdout.write(f"  {label:<9} {kid}")
