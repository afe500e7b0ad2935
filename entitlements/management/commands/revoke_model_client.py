from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entitlements.services.clients import model_client_revoke
from idverify.errors import DomainError


class Command(BaseCommand):
    help = "Revoke a model API client's credentials (e.g. a leaked secret); audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client_id")
        parser.add_argument("--reason", required=True, help="Kept in the audit log.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client = model_client_revoke(
                client_id=options["client_id"], actor=None, reason=options["reason"]
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        when = f"{client.revoked_at:%Y-%m-%d %H:%M:%S} UTC"
        self.stdout.write(f"Revoked {client.client_id} ({client.name}) at {when}.")
