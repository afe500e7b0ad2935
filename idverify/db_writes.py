"""Several rows in several tables, written by one statement.

On PostgreSQL a statement with data-modifying CTEs (``WITH w0 AS (INSERT ...),
w1 AS (INSERT ...) INSERT ...``) is atomic on its own: no BEGIN, no COMMIT,
one round trip, where the ORM needs one per row plus two. Rows that refer to
each other need their ids first: ``reserve_ids`` takes them from the tables'
sequences in one query (outside any transaction, which sequences ignore
anyway). Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so the
order of the inserts inside the statement does not matter.

Only for PostgreSQL (``supported``); callers keep an ORM path for the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from django.db import connections
from django.db.models import Field, Model

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


def reserve_ids(models: Sequence[type[Model]], *, using: str = "default") -> list[int]:
    """One new id from each model's sequence, in order, in one query."""
    if not models:
        return []
    names = [_sequence(model, using) for model in models]
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["nextval(%s)"] * len(names)), names)
        row = cursor.fetchone()
    assert row is not None  # noqa: S101 - SELECT without FROM always gives one row
    return [int(value) for value in row]


def _columns(obj: Model) -> list[Field[Any, Any]]:
    return [f for f in obj._meta.concrete_fields if not (f.primary_key and obj.pk is None)]


def insert_together(objects: Sequence[Model], *, using: str = "default") -> None:
    """INSERT every object (unsaved model instances) in one statement.

    Consecutive objects of one model with the same columns share a multi-row
    VALUES. An object without a pk gets one from its table's default; such
    rows cannot be referred to by the others. Afterwards the objects count as
    saved (``_state``), so they can be used like ORM-saved ones.
    """
    if not objects:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    statements: list[str] = []
    params: list[Any] = []
    for (model, _has_pk), group in groupby(objects, key=lambda o: (type(o), o.pk is not None)):
        rows = list(group)
        fields = _columns(rows[0])
        placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
        statements.append(
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - quoted names; values are parameters
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([placeholders] * len(rows))}"
        )
        for obj in rows:
            params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)
    *first, last = statements
    ctes = ", ".join(f"w{n} AS ({sql})" for n, sql in enumerate(first))
    sql = f"WITH {ctes} {last}" if ctes else last
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = using
