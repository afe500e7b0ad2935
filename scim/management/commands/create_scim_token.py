"""``manage.py create_scim_token ORG_ID``: a SCIM token for a verified organisation.

Prints only the token (scripts capture it); the token is shown once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organization
from idverify.errors import DomainError, NotFound
from idverify.url_ids import uuid_or_not_found
from scim.services.tokens import scim_token_create


class Command(BaseCommand):
    help = "Create a SCIM bearer token for a verified organisation and print it (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_id", help="The organisation's public id (UUID).")
        parser.add_argument("--name", default="Identity provider", help="A name for the token.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            wanted = uuid_or_not_found(options["org_id"], what="organisation")
            organization = Organization.objects.get(public_id=wanted)
        except (NotFound, Organization.DoesNotExist):
            raise CommandError(f"No organisation with id {options['org_id']!r}.") from None
        try:
            created = scim_token_create(actor=None, organization=organization, name=options["name"])
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(created.plaintext)
