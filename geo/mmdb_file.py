"""One MaxMind DB file, memory-mapped, reopened when the file is replaced.

Databases are refreshed by replacing the file (MaxMind's ``geoipupdate``
writes a new file and renames it over the old one), so a change of
``(st_mtime_ns, st_size, st_ino)`` means new data. A file that disappears
or cannot be parsed makes the slot unavailable: lookups then say so
instead of serving data nobody can vouch for.

A replaced reader is not closed explicitly: another thread may be about to
use it, and CPython unmaps it as soon as the last reference goes.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import maxminddb
from maxminddb.reader import Reader

from geo.location_signals import DatabaseInfo, DatabaseKind

logger = logging.getLogger(__name__)

LOCATION_KINDS: frozenset[DatabaseKind] = frozenset({"city", "country", "enterprise"})
ANONYMOUS_KINDS: frozenset[DatabaseKind] = frozenset({"anonymous_ip", "anonymous_plus"})

# Errors that mean "this file is not a database we can use right now".
# maxminddb raises InvalidDatabaseError (a RuntimeError) for bad data and
# ValueError for a file without metadata.
OPEN_ERRORS = (OSError, ValueError, maxminddb.InvalidDatabaseError)


class UnsupportedDatabaseError(ValueError):
    """The file is a MaxMind DB, but not of a type this slot can use."""


def detect_kind(database_type: str) -> DatabaseKind | None:
    """Map metadata ``database_type`` to the record shape it holds.

    The same substring tests geoip2's ``Reader`` applies before its
    ``enterprise``/``city``/``country``/``anonymous_plus``/``anonymous_ip``
    methods, so e.g. ``GeoLite2-City``, ``GeoIP2-City`` and ``DBIP-City-Lite``
    are all City-shaped. Enterprise is tested first because its records are
    a superset of City's.
    """
    if "Enterprise" in database_type:
        return "enterprise"
    if "City" in database_type:
        return "city"
    if "Country" in database_type:
        return "country"
    if "Anonymous-Plus" in database_type:
        return "anonymous_plus"
    if "Anonymous-IP" in database_type:
        return "anonymous_ip"
    return None


def is_demo_description(description: dict[str, str]) -> bool:
    """Demo databases say so in their description (see ``geo.demo_db``)."""
    return any("demo" in str(text).lower() for text in description.values())


@dataclass(frozen=True)
class OpenDatabase:
    reader: Reader
    info: DatabaseInfo
    ip_version: int


@dataclass(frozen=True)
class DatabaseState:
    """What one database slot looks like right now."""

    path: str | None
    database: OpenDatabase | None
    error: str | None

    @property
    def configured(self) -> bool:
        return self.path is not None


_Signature = tuple[int, int, int]


def open_reader(path: str) -> Reader:
    """Memory-map ``path`` with maxminddb's C extension.

    ``MODE_MMAP`` alone is maxminddb's pure-Python reader, about twenty times
    slower; the extension maps the file the same way. Fall back to the pure
    Python mapping only where the extension is not built.
    """
    try:
        return maxminddb.open_database(path, maxminddb.MODE_MMAP_EXT)
    except ValueError as exc:
        if "extension" not in str(exc):
            raise
        return maxminddb.open_database(path, maxminddb.MODE_MMAP)


def open_database(path: str, accepts: frozenset[DatabaseKind]) -> OpenDatabase:
    reader = open_reader(path)
    metadata = reader.metadata()
    kind = detect_kind(metadata.database_type)
    if kind not in accepts:
        reader.close()
        wanted = ", ".join(sorted(accepts))
        msg = f"database type {metadata.database_type!r} is not one of: {wanted}"
        raise UnsupportedDatabaseError(msg)
    info = DatabaseInfo(
        database_type=metadata.database_type,
        kind=kind,
        build_date=datetime.fromtimestamp(metadata.build_epoch, tz=UTC),
        demo=is_demo_description(metadata.description),
    )
    return OpenDatabase(reader=reader, info=info, ip_version=metadata.ip_version)


class ReloadingDatabase:
    """A database slot: a path, the reader open on it, and why not if none.

    Not thread-safe on its own: the owner serialises :meth:`check` calls
    and decides how often to make them.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None, *, accepts: frozenset[DatabaseKind]
    ) -> None:
        self._path = None if path is None or str(path) == "" else str(Path(path))
        self._accepts = accepts
        self._signature: _Signature | None = None
        error = None if self._path is not None else "not configured"
        self._state = DatabaseState(path=self._path, database=None, error=error)

    @property
    def state(self) -> DatabaseState:
        """The state as of the last :meth:`check`."""
        return self._state

    def check(self) -> DatabaseState:
        """Stat the file; reopen it if it changed since the last check."""
        path = self._path
        if path is None:
            return self._state
        try:
            stat = os.stat(path)
        except OSError as exc:
            self._fail(None, f"cannot read {path}: {exc.strerror or exc}")
            return self._state
        signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if signature == self._signature:
            return self._state
        try:
            opened = open_database(path, self._accepts)
        except OPEN_ERRORS as exc:
            self._fail(signature, f"cannot open {path}: {exc}")
            return self._state
        self._signature = signature
        self._state = DatabaseState(path=path, database=opened, error=None)
        logger.info(
            "GeoIP database opened: %s (%s, built %s)",
            path,
            opened.info.database_type,
            opened.info.build_date.date().isoformat(),
        )
        return self._state

    def _fail(self, signature: _Signature | None, error: str) -> None:
        # Remember the signature of a file that failed to open, so an
        # unchanged broken file is not re-parsed every interval.
        if self._state.error != error:
            logger.warning("GeoIP database unavailable: %s", error)
        self._signature = signature
        self._state = DatabaseState(path=self._path, database=None, error=error)
