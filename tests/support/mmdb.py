"""Small MaxMind-shaped databases for tests, written into a test's tmp dir.

Thin defaults over ``geo.mmdb_build`` (the same writer the demo database
uses), so a test names only the networks it is about, and the fixtures that
give every test the demo databases (imported by ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import pytest
from pytest_django.fixtures import Settings

from geo.demo_db import DemoDatabases, write_demo_databases
from geo.mmdb_build import Record, write_mmdb

TEST_DESCRIPTION = "idverify test data"


def write_location_db(
    path: Path,
    networks: Mapping[str, Record],
    *,
    database_type: str = "GeoIP2-City",
    description: str = TEST_DESCRIPTION,
    build_epoch: int | None = None,
    ip_version: Literal[4, 6] = 6,
) -> Path:
    """A City-shaped database unless ``database_type`` says otherwise
    (``GeoIP2-Country``, ``GeoIP2-Enterprise``, ``GeoLite2-ASN``...)."""
    return write_mmdb(
        path,
        database_type=database_type,
        description=description,
        networks=networks.items(),
        build_epoch=build_epoch,
        ip_version=ip_version,
    )


def write_anonymous_db(
    path: Path,
    networks: Mapping[str, Record],
    *,
    database_type: str = "GeoIP2-Anonymous-IP",
    description: str = TEST_DESCRIPTION,
    build_epoch: int | None = None,
) -> Path:
    """An Anonymous-IP database (``GeoIP-Anonymous-Plus`` when asked)."""
    return write_mmdb(
        path,
        database_type=database_type,
        description=description,
        networks=networks.items(),
        build_epoch=build_epoch,
    )


@pytest.fixture(scope="session")
def demo_geoip_databases(tmp_path_factory: pytest.TempPathFactory) -> DemoDatabases:
    """The demo databases, written once per test session."""
    return write_demo_databases(tmp_path_factory.mktemp("geoip"))


@pytest.fixture(autouse=True)
def _demo_geoip(settings: Settings, demo_geoip_databases: DemoDatabases) -> None:
    """Every test sees the demo GeoIP data (see docs/operations.md for which
    address means what) unless it configures its own databases."""
    settings.IDV_GEOIP_CITY_DB = str(demo_geoip_databases.city)
    settings.IDV_GEOIP_ANONYMOUS_DB = str(demo_geoip_databases.anonymous)
