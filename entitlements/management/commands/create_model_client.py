from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entitlements.services.clients import model_client_create
from idverify.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create credentials for a model API to call the introspection endpoint for one tier. "
        'Prints {"client_id", "client_secret"} as JSON; the secret is shown only once.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Who uses it, e.g. 'fable-5 inference fleet'.")
        parser.add_argument("--tier", required=True, help="The model tier slug, e.g. fable-5.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = model_client_create(name=options["name"], tier_slug=options["tier"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            json.dumps(
                {"client_id": created.client.client_id, "client_secret": created.client_secret}
            )
        )
