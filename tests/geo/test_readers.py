"""Lookups through the MaxMind reader against generated databases."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, fields, replace
from datetime import UTC, datetime
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path
from typing import Any, cast

import pytest

from geo.addresses import parse_ip
from geo.location_signals import GeoSignals
from geo.mmdb_build import anonymous_record, location_record
from geo.readers import MaxMindGeoReader, reader_for
from tests.support.mmdb import write_anonymous_db, write_location_db


def test_a_city_database_gives_country_and_iso_3166_2_subdivisions(city_db: Path) -> None:
    signals = MaxMindGeoReader(city_db).lookup(parse_ip("192.0.2.33"))
    assert signals.status == "found"
    assert signals.country == "UA"
    assert signals.subdivisions == ("UA-43",)
    assert signals.city_database is not None
    assert signals.city_database.kind == "city"
    assert signals.city_database.database_type == "GeoIP2-City"


def test_registered_and_represented_countries_are_reported(city_db: Path) -> None:
    reader = MaxMindGeoReader(city_db)
    registered = reader.lookup(parse_ip("192.0.2.161"))
    represented = reader.lookup(parse_ip("192.0.2.177"))
    assert (registered.country, registered.registered_country) == ("DE", "IR")
    assert (represented.country, represented.represented_country) == ("DE", "US")


def test_an_address_missing_from_the_database_is_unknown(city_db: Path) -> None:
    signals = MaxMindGeoReader(city_db).lookup(parse_ip("203.0.113.10"))
    assert signals.status == "unknown"
    assert signals.country is None
    assert signals.ip == IPv4Address("203.0.113.10")


def test_no_address_at_all_is_unknown(city_db: Path) -> None:
    signals = MaxMindGeoReader(city_db).lookup(None)
    assert (signals.status, signals.ip) == ("unknown", None)


def test_private_addresses_are_local_even_when_the_database_lists_them(city_db: Path) -> None:
    reader = MaxMindGeoReader(city_db)
    for text in ("10.1.2.3", "127.0.0.1", "::1", "fe80::1"):
        signals = reader.lookup(parse_ip(text))
        assert signals.status == "local", text
        assert signals.country is None


def test_ipv6_networks_are_looked_up(city_db: Path) -> None:
    signals = MaxMindGeoReader(city_db).lookup(parse_ip("2001:db8:43::99"))
    assert signals.subdivisions == ("UA-43",)


def test_mapped_and_6to4_forms_find_the_ipv4_row(city_db: Path) -> None:
    reader = MaxMindGeoReader(city_db)
    for text in ("::ffff:192.0.2.33", "2002:c000:0221::1"):
        signals = reader.lookup(IPv6Address(text))
        assert signals.ip == IPv4Address("192.0.2.33")
        assert signals.subdivisions == ("UA-43",)


def test_anonymiser_flags_come_from_the_anonymous_database(
    city_db: Path, anonymous_db: Path
) -> None:
    reader = MaxMindGeoReader(city_db, anonymous_db)
    tor = reader.lookup(parse_ip("198.51.100.1"))
    assert tor.anonymous_status == "found"
    assert tor.anonymizer_flags == ("is_anonymous", "is_tor_exit_node")
    assert tor.country == "NL"
    clean = reader.lookup(parse_ip("192.0.2.1"))
    assert clean.anonymous_status == "unknown"
    assert clean.anonymizer_flags == ()
    hosting_without_location = reader.lookup(parse_ip("198.51.100.17"))
    assert hosting_without_location.status == "unknown"
    assert hosting_without_location.is_hosting_provider


def test_without_an_anonymous_database_the_check_is_not_configured(city_db: Path) -> None:
    signals = MaxMindGeoReader(city_db).lookup(parse_ip("198.51.100.1"))
    assert signals.anonymous_status == "not_configured"
    assert signals.anonymizer_flags == ()


def test_a_missing_anonymous_database_is_unavailable_not_clean(
    city_db: Path, tmp_path: Path
) -> None:
    signals = MaxMindGeoReader(city_db, tmp_path / "absent.mmdb").lookup(parse_ip("198.51.100.1"))
    assert signals.status == "found"
    assert signals.anonymous_status == "unavailable"


def test_a_country_database_gives_countries_but_no_subdivisions(tmp_path: Path) -> None:
    path = write_location_db(
        tmp_path / "country.mmdb",
        {"192.0.2.32/28": location_record(country="UA", subdivisions=["UA-43"], shape="country")},
        database_type="GeoIP2-Country",
    )
    signals = MaxMindGeoReader(path).lookup(parse_ip("192.0.2.33"))
    assert (signals.status, signals.country, signals.subdivisions) == ("found", "UA", ())
    assert signals.city_database is not None
    assert signals.city_database.kind == "country"
    assert not signals.city_database.has_subdivisions


def test_an_enterprise_database_adds_the_autonomous_system(tmp_path: Path) -> None:
    record = location_record(
        country="UA",
        subdivisions=["UA-14"],
        asn=64500,
        asn_org="Example Telecom",
        shape="enterprise",
    )
    path = write_location_db(
        tmp_path / "enterprise.mmdb",
        {"192.0.2.64/28": record},
        database_type="GeoIP2-Enterprise",
    )
    signals = MaxMindGeoReader(path).lookup(parse_ip("192.0.2.65"))
    assert signals.city_database is not None
    assert signals.city_database.kind == "enterprise"
    assert (signals.subdivisions, signals.asn, signals.asn_org) == (
        ("UA-14",),
        64500,
        "Example Telecom",
    )


def test_an_anonymous_plus_database_adds_confidence_and_provider(
    city_db: Path, tmp_path: Path
) -> None:
    path = write_anonymous_db(
        tmp_path / "plus.mmdb",
        {
            "198.51.100.0/28": anonymous_record(
                "is_anonymous_vpn", confidence=30, provider="examplevpn"
            )
        },
        database_type="GeoIP-Anonymous-Plus",
    )
    signals = MaxMindGeoReader(city_db, path).lookup(parse_ip("198.51.100.1"))
    assert signals.anonymous_database is not None
    assert signals.anonymous_database.kind == "anonymous_plus"
    assert signals.anonymizer_flags == ("is_anonymous", "is_anonymous_vpn")
    assert (signals.anonymizer_confidence, signals.anonymizer_provider) == (30, "examplevpn")


@pytest.mark.parametrize("database_type", ["GeoLite2-City", "DBIP-City-Lite", "GeoIP2-City"])
def test_city_databases_from_other_editions_are_recognised(
    tmp_path: Path, database_type: str
) -> None:
    path = write_location_db(
        tmp_path / "city.mmdb",
        {"192.0.2.0/28": location_record(country="US")},
        database_type=database_type,
    )
    assert MaxMindGeoReader(path).lookup(parse_ip("192.0.2.1")).country == "US"


def test_an_ipv4_only_database_has_no_row_for_ipv6_addresses(tmp_path: Path) -> None:
    path = write_location_db(
        tmp_path / "v4.mmdb", {"192.0.2.0/28": location_record(country="US")}, ip_version=4
    )
    reader = MaxMindGeoReader(path)
    assert reader.lookup(parse_ip("192.0.2.1")).country == "US"
    assert reader.lookup(parse_ip("2001:db8::1")).status == "unknown"


def test_codes_that_are_not_iso_shaped_are_dropped(tmp_path: Path) -> None:
    path = write_location_db(
        tmp_path / "odd.mmdb",
        {
            "192.0.2.0/28": {
                "country": {"iso_code": "ua"},
                "registered_country": {"iso_code": "Ukraine"},
                "subdivisions": [{"iso_code": "43"}, {"iso_code": 43}, {"iso_code": "TOO-LONG"}],
            }
        },
    )
    signals = MaxMindGeoReader(path).lookup(parse_ip("192.0.2.1"))
    assert signals.country == "UA"
    assert signals.registered_country is None
    assert signals.subdivisions == ("UA-43",)


def test_a_record_of_the_wrong_shape_makes_the_lookup_unavailable(tmp_path: Path) -> None:
    path = write_location_db(
        tmp_path / "flat.mmdb", {"192.0.2.0/28": cast(Any, ["not", "a", "map"])}
    )
    signals = MaxMindGeoReader(path).lookup(parse_ip("192.0.2.1"))
    assert signals.status == "unavailable"
    assert signals.country is None


def test_signals_serialise_to_json_with_database_facts_and_the_disclaimer(
    city_db: Path, anonymous_db: Path
) -> None:
    epoch = int(datetime(2026, 10, 6, tzinfo=UTC).timestamp())
    path = write_location_db(
        city_db.parent / "dated.mmdb",
        {"192.0.2.32/28": location_record(country="UA", subdivisions=["UA-43"])},
        build_epoch=epoch,
    )
    signals = MaxMindGeoReader(path, anonymous_db).lookup(parse_ip("192.0.2.33"))
    data = json.loads(json.dumps(signals.to_dict()))
    assert data["ip"] == "192.0.2.33"
    assert data["subdivisions"] == ["UA-43"]
    assert data["city_database"]["build_date"] == "2026-10-06T00:00:00+00:00"
    assert data["anonymous_database"]["database_type"] == "GeoIP2-Anonymous-IP"
    assert data["demo_data"] is False
    assert "signal, not proof" in data["note"]


@pytest.mark.parametrize("address", ["192.0.2.33", "10.0.0.1", "203.0.113.1", None])
def test_looked_up_signals_equal_constructed_ones_and_are_frozen(
    city_db: Path, anonymous_db: Path, address: str | None
) -> None:
    reader = MaxMindGeoReader(city_db, anonymous_db)
    signals = reader.lookup(None if address is None else parse_ip(address))
    rebuilt = GeoSignals(**{f.name: getattr(signals, f.name) for f in fields(GeoSignals)})
    assert rebuilt == signals
    assert repr(rebuilt) == repr(signals)
    assert rebuilt.to_dict() == signals.to_dict()
    assert replace(signals, country="ZZ").country == "ZZ"
    with pytest.raises(FrozenInstanceError):
        signals.country = "US"  # type: ignore[misc]


def test_the_process_wide_reader_is_shared_per_paths(city_db: Path, anonymous_db: Path) -> None:
    assert reader_for(city_db, anonymous_db) is reader_for(str(city_db), str(anonymous_db))
    assert reader_for(city_db) is not reader_for(city_db, anonymous_db)
