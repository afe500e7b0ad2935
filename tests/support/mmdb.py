"""Small MaxMind-shaped databases for tests, written into a test's tmp dir.

Thin defaults over ``geo.mmdb_build`` (the same writer the demo database
uses), so a test names only the networks it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

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
