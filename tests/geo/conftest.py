"""Fixtures for the geo tests: generated databases in a test's tmp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.mmdb_build import anonymous_record, location_record
from tests.geo.helpers import ManualClock
from tests.support.mmdb import write_anonymous_db, write_location_db


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def city_db(tmp_path: Path) -> Path:
    return write_location_db(
        tmp_path / "city.mmdb",
        {
            "192.0.2.0/28": location_record(country="US", subdivisions=["US-CA"], city="SF"),
            "192.0.2.32/28": location_record(country="UA", subdivisions=["UA-43"]),
            "192.0.2.64/28": location_record(country="UA", subdivisions=["UA-14"]),
            "192.0.2.96/28": location_record(country="CU"),
            "192.0.2.160/28": location_record(country="DE", registered_country="IR"),
            "192.0.2.176/28": location_record(country="DE", represented_country="US"),
            "198.51.100.0/28": location_record(country="NL"),
            "10.0.0.0/8": location_record(country="US"),
            "2001:db8:43::/48": location_record(country="UA", subdivisions=["UA-43"]),
        },
    )


@pytest.fixture
def anonymous_db(tmp_path: Path) -> Path:
    return write_anonymous_db(
        tmp_path / "anonymous.mmdb",
        {
            "198.51.100.0/28": anonymous_record("is_tor_exit_node"),
            "198.51.100.16/28": anonymous_record("is_hosting_provider"),
        },
    )
