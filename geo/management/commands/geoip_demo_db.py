"""manage.py geoip_demo_db DIR: write the quick start's demo GeoIP databases."""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)

from geo.demo_db import ANONYMOUS_FILE, CITY_FILE, demo_address_table, write_demo_databases


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's option order, with the address table kept as written."""


class Command(BaseCommand):
    help = (
        "Write demo GeoIP databases (a GeoIP2-City and a GeoIP2-Anonymous-IP shaped "
        "file with made-up data on documentation address ranges) into DIR."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs.setdefault(
            "epilog", "Demo addresses (each stands for its /28 or /48):\n" + demo_address_table()
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory",
            metavar="DIR",
            nargs="?",
            help="created if missing; in the quick start, defaults to where the settings look",
        )

    def handle(self, *args: Any, directory: str | None, **options: Any) -> None:
        databases = write_demo_databases(directory or _quickstart_directory())
        self.stdout.write(f"IDV_GEOIP_CITY_DB={databases.city}")
        self.stdout.write(f"IDV_GEOIP_ANONYMOUS_DB={databases.anonymous}")
        self.stdout.write("Demo data, not real geolocation. Try: manage.py geoip_lookup 192.0.2.33")


def _quickstart_directory() -> Path:
    # Only where the settings already point at the demo file names, so the
    # default can never overwrite a real database.
    city, anonymous = settings.IDV_GEOIP_CITY_DB, settings.IDV_GEOIP_ANONYMOUS_DB
    if settings.QUICKSTART and city and anonymous:
        city_path, anonymous_path = Path(city), Path(anonymous)
        if (
            city_path.name == CITY_FILE
            and anonymous_path.name == ANONYMOUS_FILE
            and city_path.parent == anonymous_path.parent
        ):
            return city_path.parent
    msg = "Give the directory to write to (DIR); only the quick start has a default."
    raise CommandError(msg)
