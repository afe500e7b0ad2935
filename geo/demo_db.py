"""The quick start's demo GeoIP databases: fake data on documentation ranges.

Every network is in a range reserved for documentation (RFC 5737
``192.0.2.0/24``, ``198.51.100.0/24``, ``203.0.113.0/24``; RFC 3849
``2001:db8::/32``), so no real person's address is ever placed by it, and
the files' description says "DEMO", which the readers detect and the UI
shows. ``203.0.113.0/24`` and ``2001:db8:ffff::/48`` are left out on
purpose: they give status "unknown".
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from geo.mmdb_build import Record, anonymous_record, location_record, write_mmdb

DEMO_DESCRIPTION = "idverify DEMO data - not real geolocation"
CITY_FILE = "demo-city.mmdb"
ANONYMOUS_FILE = "demo-anonymous-ip.mmdb"


@dataclass(frozen=True)
class DemoNetwork:
    network: str
    example: str
    meaning: str
    location: Record | None = None
    anonymizer: tuple[str, ...] = field(default=())


def _city(
    country: str,
    *subdivisions: str,
    city: str | None = None,
    registered_country: str | None = None,
    represented_country: str | None = None,
) -> Record:
    return location_record(
        country=country,
        subdivisions=subdivisions,
        city=city,
        registered_country=registered_country,
        represented_country=represented_country,
    )


DEMO_NETWORKS: tuple[DemoNetwork, ...] = (
    DemoNetwork(
        "192.0.2.0/28",
        "192.0.2.1",
        "United States, California",
        _city("US", "US-CA", city="San Francisco"),
    ),
    DemoNetwork(
        "192.0.2.16/28",
        "192.0.2.17",
        "Ukraine, Kyiv (not embargoed)",
        _city("UA", "UA-30", city="Kyiv"),
    ),
    DemoNetwork(
        "192.0.2.32/28",
        "192.0.2.33",
        "Ukraine, Crimea UA-43 (embargoed region)",
        _city("UA", "UA-43", city="Simferopol"),
    ),
    DemoNetwork(
        "192.0.2.48/28",
        "192.0.2.49",
        "Ukraine, Sevastopol UA-40 (embargoed region)",
        _city("UA", "UA-40", city="Sevastopol"),
    ),
    DemoNetwork(
        "192.0.2.64/28",
        "192.0.2.65",
        "Ukraine, Donetsk oblast UA-14 (embargoed region, OFAC FAQ 1009 caveat)",
        _city("UA", "UA-14", city="Donetsk"),
    ),
    DemoNetwork(
        "192.0.2.80/28",
        "192.0.2.81",
        "Ukraine, Luhansk oblast UA-09 (embargoed region, OFAC FAQ 1009 caveat)",
        _city("UA", "UA-09", city="Luhansk"),
    ),
    DemoNetwork(
        "192.0.2.96/28",
        "192.0.2.97",
        "Cuba (embargoed country)",
        _city("CU", "CU-03", city="Havana"),
    ),
    DemoNetwork(
        "192.0.2.112/28", "192.0.2.113", "Iran (embargoed country)", _city("IR", city="Tehran")
    ),
    DemoNetwork(
        "192.0.2.128/28",
        "192.0.2.129",
        "North Korea (embargoed country)",
        _city("KP", "KP-01", city="Pyongyang"),
    ),
    DemoNetwork(
        "192.0.2.144/28",
        "192.0.2.145",
        "Syria (embargoed country, configurable)",
        _city("SY", "SY-DI", city="Damascus"),
    ),
    DemoNetwork(
        "192.0.2.160/28",
        "192.0.2.161",
        "Germany, block registered in Iran (flag only)",
        _city("DE", "DE-BE", city="Berlin", registered_country="IR"),
    ),
    DemoNetwork(
        "192.0.2.176/28",
        "192.0.2.177",
        "Germany, represented country United States (military base)",
        _city("DE", "DE-RP", city="Ramstein", represented_country="US"),
    ),
    DemoNetwork(
        "192.0.2.192/28",
        "192.0.2.193",
        "Ukraine without a subdivision (region cannot be resolved)",
        _city("UA"),
    ),
    DemoNetwork(
        "198.51.100.0/28",
        "198.51.100.1",
        "Tor exit node (Netherlands)",
        _city("NL", "NL-NH", city="Amsterdam"),
        ("is_tor_exit_node",),
    ),
    DemoNetwork(
        "198.51.100.16/28",
        "198.51.100.17",
        "Commercial VPN (United States)",
        _city("US", "US-NY", city="New York"),
        ("is_anonymous_vpn",),
    ),
    DemoNetwork(
        "198.51.100.32/28",
        "198.51.100.33",
        "Hosting provider (United States)",
        _city("US", "US-VA", city="Ashburn"),
        ("is_hosting_provider",),
    ),
    DemoNetwork(
        "198.51.100.48/28",
        "198.51.100.49",
        "Residential proxy (United States)",
        _city("US", "US-TX", city="Dallas"),
        ("is_residential_proxy",),
    ),
    DemoNetwork(
        "198.51.100.64/28",
        "198.51.100.65",
        "Public proxy (United States)",
        _city("US", "US-IL", city="Chicago"),
        ("is_public_proxy",),
    ),
    DemoNetwork("203.0.113.0/24", "203.0.113.10", "Not in the demo databases (status unknown)"),
    DemoNetwork(
        "2001:db8:1::/48",
        "2001:db8:1::1",
        "IPv6: United States, California",
        _city("US", "US-CA", city="San Francisco"),
    ),
    DemoNetwork(
        "2001:db8:30::/48",
        "2001:db8:30::1",
        "IPv6: Ukraine, Kyiv",
        _city("UA", "UA-30", city="Kyiv"),
    ),
    DemoNetwork(
        "2001:db8:43::/48",
        "2001:db8:43::1",
        "IPv6: Ukraine, Crimea UA-43",
        _city("UA", "UA-43", city="Simferopol"),
    ),
    DemoNetwork(
        "2001:db8:14::/48",
        "2001:db8:14::1",
        "IPv6: Ukraine, Donetsk oblast UA-14",
        _city("UA", "UA-14", city="Donetsk"),
    ),
    DemoNetwork(
        "2001:db8:c0::/48", "2001:db8:c0::1", "IPv6: Cuba", _city("CU", "CU-03", city="Havana")
    ),
    DemoNetwork(
        "2001:db8:70::/48",
        "2001:db8:70::1",
        "IPv6: Tor exit node (Netherlands)",
        _city("NL", "NL-NH", city="Amsterdam"),
        ("is_tor_exit_node",),
    ),
    DemoNetwork(
        "2001:db8:ffff::/48", "2001:db8:ffff::1", "IPv6: not in the demo databases (status unknown)"
    ),
)


@dataclass(frozen=True)
class DemoDatabases:
    city: Path
    anonymous: Path


def write_demo_databases(
    directory: str | os.PathLike[str], *, build_epoch: int | None = None
) -> DemoDatabases:
    """Write the demo City and Anonymous-IP databases into ``directory``
    (created if missing) and return their paths. Safe to run while a
    server reads them: each file is replaced atomically."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    city = write_mmdb(
        target / CITY_FILE,
        database_type="GeoIP2-City",
        description=DEMO_DESCRIPTION,
        networks=[(n.network, n.location) for n in DEMO_NETWORKS if n.location is not None],
        build_epoch=build_epoch,
    )
    anonymous = write_mmdb(
        target / ANONYMOUS_FILE,
        database_type="GeoIP2-Anonymous-IP",
        description=DEMO_DESCRIPTION,
        networks=[
            (n.network, anonymous_record(*n.anonymizer)) for n in DEMO_NETWORKS if n.anonymizer
        ],
        build_epoch=build_epoch,
    )
    return DemoDatabases(city=city, anonymous=anonymous)


def demo_address_table() -> str:
    """Which demo address means what, for command help and documentation."""
    width = max(len(n.example) for n in DEMO_NETWORKS)
    return "\n".join(f"{n.example.ljust(width)}  {n.meaning}" for n in DEMO_NETWORKS)
