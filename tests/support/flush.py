"""After a test that commits, its rows are deleted, not truncated (test runs only).

A test that commits (a live server, a browser, a broker worker,
``transaction=True``) is followed by Django's ``flush``, which on PostgreSQL is
one TRUNCATE of every table. TRUNCATE gives each of the ~56 tables and their
indexes new files: 0.13 to 0.15 s on an idle machine, and about 0.8 s while
three test workers run, some sixty times a run. DELETE of tables that hold a
test's few rows took 0.01 s. Every foreign key is DEFERRABLE INITIALLY DEFERRED,
so the order of the deletes does not matter within flush's transaction.

A table whose rows a trigger refuses to delete (the audit log is append-only in
the database, audit/migrations/0002) is still truncated: row triggers do not fire
on TRUNCATE. Tests that reset sequences, or flush with CASCADE, keep Django's
statement unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

# pg_trigger.tgtype: the trigger fires on DELETE.
TRIGGER_ON_DELETE = 8


def delete_refused(connection: Any) -> set[str]:
    """The tables with a trigger of their own (not a foreign key's) that fires on DELETE."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgtype & %s <> 0",
            [TRIGGER_ON_DELETE],
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture(autouse=True, scope="session")
def _flush_by_delete() -> Iterator[None]:
    from django.db.backends.base.operations import BaseDatabaseOperations
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(
        self: BaseDatabaseOperations,
        style: Any,
        tables: Sequence[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if reset_sequences or allow_cascade or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        refused = delete_refused(self.connection)
        # Names from the models, quoted as Django quotes them; no value is interpolated.
        statements = [f"DELETE FROM {self.quote_name(t)};" for t in tables if t not in refused]  # noqa: S608
        kept = [t for t in tables if t in refused]
        return statements + (truncate(self, style, kept) if kept else [])

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
    yield
    DatabaseOperations.sql_flush = truncate  # type: ignore[method-assign]
