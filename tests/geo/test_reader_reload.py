"""Database files change under a running process: replaced, missing, corrupt."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from geo.addresses import parse_ip
from geo.mmdb_build import location_record
from geo.readers import MaxMindGeoReader
from tests.geo.helpers import ManualClock
from tests.support.mmdb import write_location_db

CRIMEA = parse_ip("192.0.2.33")


def write_country(path: Path, country: str) -> Path:
    return write_location_db(path, {"192.0.2.32/28": location_record(country=country)})


def test_a_replaced_file_is_seen_after_the_check_interval(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = write_country(tmp_path / "city.mmdb", "UA")
    reader = MaxMindGeoReader(path, check_interval=1.0, clock=clock)
    assert reader.lookup(CRIMEA).country == "UA"

    write_country(path, "RU")  # written beside it and renamed over it
    clock.advance(0.5)
    assert reader.lookup(CRIMEA).country == "UA", "stat at most once per interval"
    clock.advance(0.6)
    assert reader.lookup(CRIMEA).country == "RU"


def test_an_unchanged_file_is_not_reopened(tmp_path: Path, clock: ManualClock) -> None:
    path = write_country(tmp_path / "city.mmdb", "UA")
    reader = MaxMindGeoReader(path, clock=clock)
    before = reader.databases().city.database
    clock.advance(5)
    assert reader.databases().city.database is before


def test_a_missing_database_is_unavailable_until_it_appears(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "city.mmdb"
    reader = MaxMindGeoReader(path, clock=clock)
    signals = reader.lookup(CRIMEA)
    assert signals.status == "unavailable"
    assert signals.city_database is None
    state = reader.databases().city
    assert state.error is not None
    assert "cannot read" in state.error

    write_country(path, "UA")
    clock.advance(1.1)
    assert reader.lookup(CRIMEA).status == "found"


def test_a_deleted_database_becomes_unavailable(tmp_path: Path, clock: ManualClock) -> None:
    path = write_country(tmp_path / "city.mmdb", "UA")
    reader = MaxMindGeoReader(path, clock=clock)
    assert reader.lookup(CRIMEA).status == "found"
    path.unlink()
    clock.advance(1.1)
    assert reader.lookup(CRIMEA).status == "unavailable"


def test_a_corrupt_file_is_unavailable_and_never_raises(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "city.mmdb"
    path.write_bytes(os.urandom(4096))
    reader = MaxMindGeoReader(path, clock=clock)
    assert reader.lookup(CRIMEA).status == "unavailable"
    error = reader.databases().city.error
    assert error is not None
    assert "cannot open" in error


def test_a_file_with_a_damaged_search_tree_fails_the_lookup_not_the_request(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = write_country(tmp_path / "city.mmdb", "UA")
    data = bytearray(path.read_bytes())
    data[:96] = b"\xff" * 96  # tree records now point past the data section
    damaged = tmp_path / "damaged.mmdb"
    damaged.write_bytes(bytes(data))
    reader = MaxMindGeoReader(damaged, clock=clock)
    assert reader.databases().city.error is None, "the metadata still opens"
    assert reader.lookup(CRIMEA).status == "unavailable"


def test_an_empty_path_means_not_configured(clock: ManualClock) -> None:
    reader = MaxMindGeoReader("", "", clock=clock)
    databases = reader.databases()
    assert not databases.city.configured
    assert not databases.anonymous.configured
    signals = reader.lookup(CRIMEA)
    assert (signals.status, signals.anonymous_status) == ("unavailable", "not_configured")


def test_a_database_of_the_wrong_kind_is_refused(tmp_path: Path, clock: ManualClock) -> None:
    asn = write_location_db(
        tmp_path / "asn.mmdb",
        {"192.0.2.0/24": {"autonomous_system_number": 64500}},
        database_type="GeoLite2-ASN",
    )
    reader = MaxMindGeoReader(asn, asn, clock=clock)
    signals = reader.lookup(CRIMEA)
    assert (signals.status, signals.anonymous_status) == ("unavailable", "unavailable")
    error = reader.databases().city.error
    assert error is not None
    assert "GeoLite2-ASN" in error


def test_a_location_database_is_not_accepted_as_the_anonymiser_database(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = write_country(tmp_path / "city.mmdb", "UA")
    signals = MaxMindGeoReader(path, path, clock=clock).lookup(CRIMEA)
    assert (signals.status, signals.anonymous_status) == ("found", "unavailable")


def test_lookups_from_many_threads_survive_repeated_replacement(tmp_path: Path) -> None:
    path = write_country(tmp_path / "city.mmdb", "UA")
    reader = MaxMindGeoReader(path, check_interval=0.0)
    seen: set[object] = set()
    errors: list[BaseException] = []
    stop = threading.Event()

    def look() -> None:
        try:
            while not stop.is_set():
                signals = reader.lookup(CRIMEA)
                seen.add((signals.status, signals.country))
        except BaseException as exc:  # any exception at all fails the test
            errors.append(exc)

    threads = [threading.Thread(target=look) for _ in range(4)]
    for thread in threads:
        thread.start()
    for round_number in range(30):
        write_country(path, "RU" if round_number % 2 else "UA")
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert seen <= {("found", "UA"), ("found", "RU")}
    assert ("found", "RU") in seen
