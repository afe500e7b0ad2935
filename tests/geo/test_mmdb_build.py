"""What ``geo.mmdb_build`` relies on in mmdb-writer, held to account.

mmdb-writer has no public way to choose a database's build time, so
``geo.mmdb_build`` overrides its private ``MMDBWriter._build_meta``. These tests
fail by name when mmdb-writer changes (another version, or a ``_build_meta`` with
other parameters, other keys, or no longer used for the file's metadata), rather
than letting an upgrade quietly stamp the current time into databases whose age
the readiness and reader tests choose.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import maxminddb
from mmdb_writer import MMDBWriter

from geo.mmdb_build import location_record, write_mmdb

# The mmdb-writer whose ``_build_meta`` the override was read against. Moving the pin
# in requirements.txt means reading the new version's ``_build_meta`` and
# ``to_db_file`` again, then changing this.
CHECKED_VERSION = "0.2.7"

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"

METADATA_KEYS = {
    "ip_version",
    "database_type",
    "languages",
    "binary_format_major_version",
    "binary_format_minor_version",
    "description",
    "build_epoch",
}


def test_mmdb_writer_is_pinned_to_the_version_the_override_was_checked_against() -> None:
    pinned = re.search(r"^mmdb-writer==(\S+)\s*$", REQUIREMENTS.read_text(), re.MULTILINE)
    installed = importlib.metadata.version("mmdb-writer")
    assert pinned is not None, "requirements.txt must pin mmdb-writer to one exact version"
    assert (pinned.group(1), installed) == (CHECKED_VERSION, CHECKED_VERSION), (
        f"mmdb-writer {installed} is installed and {pinned.group(1)} pinned, but "
        f"geo.mmdb_build overrides its private _build_meta as of {CHECKED_VERSION}: "
        "check the override against this version, then update CHECKED_VERSION"
    )


def test_build_meta_is_mmdb_writers_own_method_taking_no_arguments() -> None:
    assert "_build_meta" in vars(MMDBWriter)
    assert list(inspect.signature(MMDBWriter._build_meta).parameters) == ["self"]


def test_build_meta_gives_the_metadata_map_stamped_with_the_current_time() -> None:
    writer = MMDBWriter(
        ip_version=6,
        ipv4_compatible=True,
        database_type="GeoIP2-City",
        languages=["en"],
        description={"en": "test"},
    )
    meta = writer._build_meta()
    assert set(meta) == METADATA_KEYS
    assert abs(meta["build_epoch"] - time.time()) < 60


def test_a_chosen_build_epoch_reaches_the_file_with_the_rest_of_its_metadata(
    tmp_path: Path,
) -> None:
    epoch = int(datetime(2020, 1, 2, tzinfo=UTC).timestamp())
    path = write_mmdb(
        tmp_path / "dated.mmdb",
        database_type="GeoIP2-City",
        description="idverify test data",
        networks=[("192.0.2.0/24", location_record(country="US"))],
        build_epoch=epoch,
    )
    with maxminddb.open_database(str(path)) as reader:
        metadata = reader.metadata()
        assert metadata.build_epoch == epoch
        assert metadata.database_type == "GeoIP2-City"
        assert metadata.description == {"en": "idverify test data"}
        assert metadata.languages == ["en"]
        assert metadata.ip_version == 6
        assert (metadata.binary_format_major_version, metadata.binary_format_minor_version) == (
            2,
            0,
        )
        assert reader.get("192.0.2.1") == {"country": {"iso_code": "US"}}


def test_without_a_chosen_build_epoch_the_file_is_stamped_with_the_current_time(
    tmp_path: Path,
) -> None:
    path = write_mmdb(
        tmp_path / "now.mmdb",
        database_type="GeoIP2-Anonymous-IP",
        description="idverify test data",
        networks=[],
    )
    with maxminddb.open_database(str(path)) as reader:
        assert abs(reader.metadata().build_epoch - time.time()) < 60
