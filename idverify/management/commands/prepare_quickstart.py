from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Everything `make run` does before it serves, in one process: migrate, the demo "
        "GeoIP database, signing keys when due, static files, demo people (their logins "
        "are printed). Safe to run again. Refuses to run outside the quick start."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.QUICKSTART:
            raise CommandError(
                "prepare_quickstart seeds accounts with a published password; it runs only in "
                "the quick start (IDV_QUICKSTART=1). A deployment's release step is "
                "scripts/release.sh."
            )
        # One process rather than one per step: each Django start costs about 1.5 s of
        # CPU, and a person waits for all of them before the first page.
        out = {"stdout": self.stdout, "stderr": self.stderr, "verbosity": options["verbosity"]}
        call_command("migrate", interactive=False, **out)
        call_command("geoip_demo_db", **{**out, "stdout": io.StringIO()})
        call_command("rotate_signing_keys", if_due=True, **out)
        call_command("collectstatic", interactive=False, **{**out, "verbosity": 0})
        call_command("seed_demo", **out)  # the logins are printed whatever the verbosity
