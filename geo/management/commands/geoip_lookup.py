"""manage.py geoip_lookup IP [IP ...] [--json]: signals and policy per address."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from geo.addresses import parse_ip
from geo.location_signals import GeoSignals, JSONValue
from geo.places import PlaceEvaluation, evaluate
from geo.selectors import embargoed_place_rules, geo_reader, local_addresses_allowed


class Command(BaseCommand):
    help = (
        "Look up IP addresses in the configured GeoIP databases and evaluate them "
        "against the active embargoed places, as a restricted model tier would "
        "(fail closed, no anonymisers) unless told otherwise. Host names are not resolved."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addresses", nargs="+", metavar="IP")
        parser.add_argument(
            "--json", action="store_true", help="print one JSON list, an object per address"
        )
        parser.add_argument(
            "--anonymizers-allowed",
            action="store_true",
            help="evaluate for a tier that allows VPNs, proxies and Tor",
        )
        parser.add_argument(
            "--fail-open",
            action="store_true",
            help="evaluate for a tier that does not fail closed on unknown locations",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reader = geo_reader()
        rules = embargoed_place_rules()
        results: list[dict[str, JSONValue]] = []
        lines: list[str] = []
        invalid = 0
        for text in options["addresses"]:
            try:
                ip = parse_ip(text)
            except ValueError:
                invalid += 1
                error = "not an IP address (host names are not resolved)"
                results.append({"input": text, "error": error})
                lines.append(f"{text}: {error}")
                continue
            signals = reader.lookup(ip)
            evaluation = evaluate(
                signals,
                blocked_places=rules,
                anonymizers_allowed=options["anonymizers_allowed"],
                fail_closed=not options["fail_open"],
                local_allowed=local_addresses_allowed(),
            )
            results.append(
                {"input": text, "signals": signals.to_dict(), "evaluation": evaluation.to_dict()}
            )
            lines.extend(_describe(text, signals, evaluation))
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
        else:
            self.stdout.write("\n".join(lines))
        if invalid:
            msg = f"{invalid} of {len(options['addresses'])} inputs were not IP addresses"
            raise CommandError(msg)


def _describe(text: str, signals: GeoSignals, evaluation: PlaceEvaluation) -> list[str]:
    place = " ".join(filter(None, [signals.country, *signals.subdivisions])) or "-"
    flags = ", ".join(signals.anonymizer_flags) or "none"
    verdict = "allowed" if evaluation.allowed else "DENIED"
    lines = [
        f"{text}: {verdict}",
        (
            f"  status {signals.status}, place {place}, anonymiser flags: {flags} "
            f"(anonymiser data {signals.anonymous_status})"
        ),
    ]
    if signals.registered_country or signals.represented_country:
        lines.append(
            f"  registered {signals.registered_country or '-'}, "
            f"represented {signals.represented_country or '-'}"
        )
    for reason in evaluation.reasons:
        marker = "deny" if reason.blocking else "flag"
        lines.append(f"  [{marker}] {reason.code}: {reason.message}")
        note = reason.detail.get("note")
        if note:
            lines.append(f"         note: {note}")
    for database in (signals.city_database, signals.anonymous_database):
        if database is not None:
            demo = " DEMO DATA" if database.demo else ""
            lines.append(
                f"  data: {database.database_type} built {database.build_date.date()}{demo}"
            )
    lines.append(f"  {signals.note}")
    return lines
