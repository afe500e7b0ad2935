from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import keys
from audit.selectors import audit_newest_head
from audit.services import audit_seal_all


class Command(BaseCommand):
    help = (
        "Print the audit log's newest signed head as one line of JSON. Store it somewhere "
        "the database's administrators cannot write (another system, a write-once bucket); "
        "`audit_verify --consistent-with FILE` later proves the log still extends it. "
        "--public-keys prints the keys that verify heads, for a third party."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-seal", action="store_true", help="Do not seal pending events first."
        )
        parser.add_argument(
            "--public-keys",
            action="store_true",
            help="Print the trusted audit public keys as a JWK Set instead.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["public_keys"]:
            self.stdout.write(json.dumps(keys.public_jwks(), indent=2))
            return
        if not options["no_seal"]:
            audit_seal_all()
        head = audit_newest_head()
        if head is None:
            raise CommandError(
                "The audit log has no signed seal yet"
                + (" (run without --no-seal to make one)." if options["no_seal"] else ".")
            )
        if not head.signed_by(keys.trusted_public_keys()):
            raise CommandError(
                f"The newest seal (#{head.seq}) does not carry a valid signature; "
                "run `manage.py audit_verify` to see what was changed."
            )
        self.stdout.write(json.dumps(head.as_json(), sort_keys=True))
