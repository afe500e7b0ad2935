"""The quick start's demo databases: fake, labelled, and documented."""

from __future__ import annotations

from ipaddress import ip_address, ip_network
from pathlib import Path

import pytest

from geo.addresses import parse_ip
from geo.demo_db import DEMO_NETWORKS, demo_address_table, write_demo_databases
from geo.readers import MaxMindGeoReader

DOCUMENTATION_RANGES = [
    ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
]
OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


@pytest.fixture(scope="module")
def demo_reader(tmp_path_factory: pytest.TempPathFactory) -> MaxMindGeoReader:
    databases = write_demo_databases(tmp_path_factory.mktemp("demo"))
    return MaxMindGeoReader(databases.city, databases.anonymous)


def test_every_demo_network_is_in_a_documentation_range() -> None:
    for demo in DEMO_NETWORKS:
        network = ip_network(demo.network)
        first, last = network[0], network[-1]
        assert any(first in r and last in r for r in DOCUMENTATION_RANGES), demo.network
        assert ip_address(demo.example) in network


def test_the_demo_databases_say_they_are_demo_data(demo_reader: MaxMindGeoReader) -> None:
    signals = demo_reader.lookup(parse_ip("192.0.2.1"))
    assert signals.demo_data
    assert signals.city_database is not None
    assert signals.city_database.database_type == "GeoIP2-City"
    assert signals.anonymous_database is not None
    assert signals.anonymous_database.database_type == "GeoIP2-Anonymous-IP"


@pytest.mark.parametrize(
    ("address", "country", "subdivisions"),
    [
        ("192.0.2.33", "UA", ("UA-43",)),
        ("192.0.2.49", "UA", ("UA-40",)),
        ("192.0.2.65", "UA", ("UA-14",)),
        ("192.0.2.81", "UA", ("UA-09",)),
        ("192.0.2.17", "UA", ("UA-30",)),
        ("192.0.2.97", "CU", ("CU-03",)),
        ("192.0.2.113", "IR", ()),
        ("192.0.2.129", "KP", ("KP-01",)),
        ("192.0.2.145", "SY", ("SY-DI",)),
        ("192.0.2.1", "US", ("US-CA",)),
        ("2001:db8:43::1", "UA", ("UA-43",)),
        ("2001:db8:14::1", "UA", ("UA-14",)),
    ],
)
def test_demo_places_resolve_as_documented(
    demo_reader: MaxMindGeoReader, address: str, country: str, subdivisions: tuple[str, ...]
) -> None:
    signals = demo_reader.lookup(parse_ip(address))
    assert (signals.country, signals.subdivisions) == (country, subdivisions)


@pytest.mark.parametrize(
    ("address", "flag"),
    [
        ("198.51.100.1", "is_tor_exit_node"),
        ("198.51.100.17", "is_anonymous_vpn"),
        ("198.51.100.33", "is_hosting_provider"),
        ("198.51.100.49", "is_residential_proxy"),
        ("198.51.100.65", "is_public_proxy"),
        ("2001:db8:70::1", "is_tor_exit_node"),
    ],
)
def test_demo_anonymisers_are_flagged(
    demo_reader: MaxMindGeoReader, address: str, flag: str
) -> None:
    signals = demo_reader.lookup(parse_ip(address))
    assert signals.anonymizer_flags == ("is_anonymous", flag)


def test_the_unlisted_demo_ranges_are_unknown(demo_reader: MaxMindGeoReader) -> None:
    for address in ("203.0.113.10", "2001:db8:ffff::1"):
        assert demo_reader.lookup(parse_ip(address)).status == "unknown"


def test_registered_and_represented_country_examples(demo_reader: MaxMindGeoReader) -> None:
    assert demo_reader.lookup(parse_ip("192.0.2.161")).registered_country == "IR"
    assert demo_reader.lookup(parse_ip("192.0.2.177")).represented_country == "US"


def test_every_demo_address_and_its_meaning_is_documented() -> None:
    text = OPERATIONS.read_text(encoding="utf-8")
    for demo in DEMO_NETWORKS:
        assert f"| `{demo.example}` | {demo.meaning} |" in text, demo.example


def test_the_address_table_lists_every_example() -> None:
    table = demo_address_table()
    assert len(table.splitlines()) == len(DEMO_NETWORKS)
    assert "192.0.2.33" in table
    assert "Crimea" in table


def test_rewriting_the_demo_databases_is_atomic_and_repeatable(tmp_path: Path) -> None:
    first = write_demo_databases(tmp_path)
    inode = first.city.stat().st_ino
    second = write_demo_databases(tmp_path)
    assert second.city == first.city
    assert second.city.stat().st_ino != inode
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [first.city.name, first.anonymous.name]
    )
