from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from accounts.services.api_keys import api_key_create
from idverify.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create a personal access token for a user and print only the key on stdout, "
        "so a script can capture it: KEY=$(manage.py create_api_key alice@example.com)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="command line", help="A label for the key.")
        parser.add_argument("--expires-in-days", type=int, default=None, help="Default: no expiry.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=options["email"].strip())
        except User.DoesNotExist:
            raise CommandError(f"No user with the email address {options['email']!r}.") from None
        if not user.is_active:
            raise CommandError(f"The user {user.email} is deactivated.")
        days = options["expires_in_days"]
        if days is not None and days <= 0:
            raise CommandError("--expires-in-days must be a positive number of days.")
        try:
            created = api_key_create(
                user=user,
                name=options["name"],
                expires_at=timezone.now() + timedelta(days=days) if days else None,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(created.plaintext)
