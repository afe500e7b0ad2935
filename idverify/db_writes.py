"""Several rows in several tables, written by one statement.

On PostgreSQL a statement with data-modifying CTEs (``WITH w0 AS (INSERT ...),
w1 AS (INSERT ...) INSERT ...``) is atomic on its own: no BEGIN, no COMMIT,
one round trip, where the ORM needs one per row plus two. Rows that refer to
each other need their ids first: ``reserve_ids`` takes them from the tables'
sequences (outside any transaction, which sequences ignore anyway), a block
at a time, so that most calls need no query at all. Django's foreign keys
are DEFERRABLE INITIALLY DEFERRED, so the order of the inserts inside the
statement does not matter.

Only for PostgreSQL (``supported``); callers keep an ORM path for the rest.
"""

from __future__ import annotations

import os
import threading
from collections import Counter, deque
from collections.abc import Sequence
from itertools import groupby
from typing import Any, Final

from django.db import connections
from django.db.models import Model

from idverify import db_reads

_sequences: dict[tuple[str, str], str] = {}


def supported(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def _sequence(model: type[Model], using: str) -> str:
    table, pk = model._meta.db_table, model._meta.pk
    if pk is None:
        raise ValueError(f"{model.__name__} has no primary key")
    key = (using, table)
    if key not in _sequences:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
            row = cursor.fetchone()
        if row is None or row[0] is None:
            raise ValueError(f"{table}.{pk.column} has no sequence")
        _sequences[key] = row[0]
    return _sequences[key]


# Ids are fetched from each sequence this many at a time and handed out from
# memory. A block abandoned by an exiting process is a gap in the ids, which
# sequences leave anyway (rollbacks); nothing orders these tables by id alone.
ID_BLOCK: Final = 32
_free_ids: dict[tuple[str, str], deque[int]] = {}
_free_ids_lock = threading.Lock()


def _forget_free_ids() -> None:
    # A forked child must not hand out the same ids as its parent.
    _free_ids.clear()


os.register_at_fork(after_in_child=_forget_free_ids)


def _take(keys: list[tuple[str, str]]) -> list[int] | None:
    """One free id per key, in order, or None (and nothing taken) if any list is short."""
    with _free_ids_lock:
        if any(len(_free_ids.get(key, ())) < n for key, n in Counter(keys).items()):
            return None
        return [_free_ids[key].popleft() for key in keys]


def _refill(keys: list[tuple[str, str]], using: str) -> None:
    """Add at least ``ID_BLOCK`` new ids to each sequence's free list, in one query."""
    names = [name for _using, name in keys]
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT "  # noqa: S608 - sequence names are parameters
            + ", ".join(["nextval(%s)"] * len(names))
            + " FROM generate_series(1, %s) ORDER BY 1",
            [*names, ID_BLOCK],
        )
        rows = cursor.fetchall()
    with _free_ids_lock:
        for column, key in enumerate(keys):
            _free_ids.setdefault(key, deque()).extend(int(row[column]) for row in rows)


def reserve_ids(models: Sequence[type[Model]], *, using: str = "default") -> list[int]:
    """One new id from each model's sequence, in order (ascending per sequence)."""
    if not models:
        return []
    keys = [(using, _sequence(model, using)) for model in models]
    taken = _take(keys)
    while taken is None:
        _refill(list(dict.fromkeys(keys)), using)
        taken = _take(keys)
    return taken


# The shape of a write: per run of same-model rows, the model, whether the rows
# carry their ids, and how many there are. The token path repeats a handful of
# shapes, so each one's SQL and columns are worked out once.
_Shape = tuple[tuple[type[Model], bool, int], ...]
_statements: dict[tuple[str, _Shape], tuple[str, list[list[tuple[str, Any]]]]] = {}


def _statement(shape: _Shape, using: str) -> tuple[str, list[list[tuple[str, Any]]]]:
    """SQL for ``shape`` and, per run, (attname, get_db_prep_save) for each column."""
    key = (using, shape)
    found = _statements.get(key)
    if found is not None:
        return found
    quote = connections[using].ops.quote_name
    statements: list[str] = []
    columns: list[list[tuple[str, Any]]] = []
    for model, has_pk, count in shape:
        # Rows without an id leave the column to the table's default.
        fields = [f for f in model._meta.concrete_fields if has_pk or not f.primary_key]
        placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
        statements.append(
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - quoted names; values are parameters
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([placeholders] * count)}"
        )
        columns.append([(f.attname, f.get_db_prep_save) for f in fields])
    *first, last = statements
    ctes = ", ".join(f"w{n} AS ({sql})" for n, sql in enumerate(first))
    found = (f"WITH {ctes} {last}" if ctes else last, columns)
    if len(_statements) < 256:  # shapes are few; the cap only bounds a surprise
        _statements[key] = found
    return found


def insert_together(
    objects: Sequence[Model], *, using: str = "default", prepare: bool = False
) -> None:
    """INSERT every object (unsaved model instances) in one statement.

    Consecutive objects of one model with the same columns share a multi-row
    VALUES. An object without a pk gets one from its table's default; such
    rows cannot be referred to by the others. Afterwards the objects count as
    saved (``_state``), so they can be used like ORM-saved ones. ``prepare``
    asks PostgreSQL to keep the statement's plan (``db_reads.execute``), for a
    shape that repeats on a hot path.
    """
    if not objects:
        return
    connection = connections[using]
    runs = [
        (key, list(group))
        for key, group in groupby(objects, key=lambda o: (type(o), o.pk is not None))
    ]
    shape = tuple((model, has_pk, len(rows)) for (model, has_pk), rows in runs)
    sql, columns = _statement(shape, using)
    params: list[Any] = []
    for (_key, rows), run_columns in zip(runs, columns, strict=True):
        for obj in rows:
            values = obj.__dict__
            params.extend(prep(values[attname], connection) for attname, prep in run_columns)
    with connection.cursor() as cursor:
        if prepare:
            db_reads.execute(cursor, sql, params)
        else:
            cursor.execute(sql, params)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = using
