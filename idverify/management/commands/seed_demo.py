from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

# Each app that has demo data provides ``<app>.demo.seed() -> list[DemoLogin]``;
# they run in this order because later ones build on earlier ones' people.
SEEDERS = ["accounts.demo", "attestations.demo", "entitlements.demo"]


class Command(BaseCommand):
    help = (
        "Load demo data (idempotent): an organisation, its admin, a compliance officer and "
        "end users. Prints their logins. Refuses to run outside the quick start."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-outside-quickstart",
            action="store_true",
            help="Seed even though IDV_QUICKSTART is off (never on a production database).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.QUICKSTART and not options["allow_outside_quickstart"]:
            raise CommandError(
                "seed_demo creates accounts with a published password; it runs only in the "
                "quick start (IDV_QUICKSTART=1)."
            )
        # A later seeder may describe a person an earlier one made (e.g. what they
        # may use): keep each login once, in first-seen order, with the latest label.
        logins: dict[str, Any] = {}
        secrets: dict[str, str] = {}
        for module_name in SEEDERS:
            for login in importlib.import_module(module_name).seed():
                logins[login.email] = login
                if login.totp_secret:
                    secrets[login.email] = login.totp_secret
        self.stdout.write("Demo logins (all share the demo password):")
        for login in logins.values():
            self.stdout.write(f"  {login.role:<48} {login.email:<32} {login.password}")
        if secrets:
            self.stdout.write(
                "Second factor (officers, signing officials, admins): after the password, enter\n"
                "the code an authenticator app makes from this secret (or `oathtool --totp -b "
                "SECRET`):"
            )
            for email, secret in secrets.items():
                self.stdout.write(f"  {email:<32} {secret}")
