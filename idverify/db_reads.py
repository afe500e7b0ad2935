"""Hand-written SQL for the statements every token request makes: prepared, and
read into model instances cheaply.

``execute`` asks PostgreSQL to prepare a statement, so that a connection
parses and plans it once (settings: only statements that ask are prepared).
Preparing everything would be wrong: a generic plan made while a table is
small outlives the table's growth until the next ANALYZE, and a bulk import
ran twenty times slower under it. The token path's statements are key
lookups and inserts whose plans do not change with table size.

A prepared statement outlives a migration badly: PostgreSQL refuses to run one
whose result columns changed type since it was prepared ("cached plan must not
change result type"), even ``varchar(10)`` becoming ``varchar(20)``, and psycopg
keeps sending it. ``execute`` then has the connection forget its prepared
statements and runs the statement again, prepared afresh.

``Model.objects.raw()`` works out, on every call, which result column is which
field and which converters each needs; on the token path that cost more than
the database's answer. Here that is worked out once per model and connection:
``select_list`` names the model's columns explicitly (never ``*``, so that a
column added by a migration does not change a statement's result), and ``fetch``
turns each row into an instance with ``Model.from_db``, followed by any extra
columns the query appends after the model's own.

A raw cursor skips the converters the ORM applies, and on SQLite (the quick
start) that matters: a timestamp comes back naive, a UUID as hex text. So every
column read here goes through the converters of the field it holds (``fetch``'s
``extra`` names the fields of the appended columns; ``fetch_values`` reads rows
of plain columns), and a value reads the same on every database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

import psycopg
from django.db import NotSupportedError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]
# The field a result column holds, so it reads as the ORM reads it; None: as it comes.
Column: TypeAlias = "Field[Any, Any] | None"


@dataclass(frozen=True)
class _Layout:
    # The model's attribute names, when the row starts with a model's columns.
    attnames: list[str]
    # (column index, its expression, the converters Django would apply), only for
    # the columns that have any.
    converters: list[tuple[int, Any, list[Converter]]]


# Keyed by (database, model or None, the extra columns' fields): cheap to hash on
# every call, unlike the model's whole field list.
_layouts: dict[tuple[str, type[Model] | None, tuple[Column, ...]], _Layout] = {}


def execute(cursor: CursorWrapper, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> None:
    """``cursor.execute``, with the statement prepared on PostgreSQL when enabled.

    Django's cursor cannot pass psycopg's ``prepare``, so this calls psycopg's
    cursor itself, inside Django's error translation and query logging. A
    statement whose plan a migration made stale is run again once, re-prepared.
    """
    db = cursor.db
    if db.vendor != "postgresql" or db.connection.prepare_threshold is None:
        cursor.execute(sql, params)
        return
    db.validate_no_broken_transaction()
    try:
        _execute_prepared(cursor, sql, params)
    except NotSupportedError as exc:
        if not _plan_outdated(exc):
            raise
        _forget_prepared(db)
        _execute_prepared(cursor, sql, params)


def _execute_prepared(
    cursor: CursorWrapper, sql: str, params: Sequence[Any] | Mapping[str, Any]
) -> None:
    db = cursor.db
    logged = (
        cursor.debug_sql(sql, params) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
    )
    # A failed statement aborts the transaction it runs in, so inside one it runs
    # under a savepoint, which lets the retry (and the caller's later statements)
    # go on. It costs two round trips (0.25 ms locally); the token path runs in
    # autocommit and pays nothing.
    guard: AbstractContextManager[Any] = (
        transaction.atomic(using=db.alias) if db.in_atomic_block else nullcontext()
    )
    with guard, logged, db.wrap_database_errors:
        cursor.cursor.execute(sql, params, prepare=True)


def _plan_outdated(exc: NotSupportedError) -> bool:
    """PostgreSQL refused a prepared statement because its result's types changed."""
    cause = exc.__cause__
    return isinstance(cause, psycopg.errors.FeatureNotSupported) and (
        # The function is not translated, unlike the message.
        cause.diag.source_function == "RevalidateCachedQuery"
        or "cached plan must not change result type" in str(cause)
    )


def _forget_prepared(db: BaseDatabaseWrapper) -> None:
    """Deallocate the connection's prepared statements, in psycopg's cache and on the server.

    psycopg does both whenever one of its transactions (or savepoints) rolls back,
    so the next execution prepares each statement again under the current schema.
    """
    pg = db.connection
    with pg.transaction() as unused:
        raise psycopg.Rollback(unused)


def select_list(model: type[Model], alias: str) -> str:
    """``alias."col", ...`` for every concrete field of ``model``, in field order."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def model_fields(model: type[Model], *names: str) -> tuple[Field[Any, Any], ...]:
    """The concrete fields of ``model`` called ``names``, to say what columns hold."""
    fields = []
    for name in names:
        field = model._meta.get_field(name)
        if not isinstance(field, Field) or not field.concrete:
            raise ValueError(f"{model.__name__}.{name} is not a column")
        fields.append(field)
    return tuple(fields)


def _layout(model: type[Model] | None, columns: Sequence[Column], using: str) -> _Layout:
    key = (using, model, tuple(columns))
    layout = _layouts.get(key)
    if layout is None:
        fields = list(model._meta.concrete_fields) if model is not None else []
        connection = connections[using]
        converters = []
        for index, field in enumerate([*fields, *columns]):
            if field is None:
                continue
            column = field.get_col(field.model._meta.db_table)
            found = [
                *connection.ops.get_db_converters(column),
                *column.get_db_converters(connection),
            ]
            if found:
                converters.append((index, column, found))
        layout = _Layout(attnames=[field.attname for field in fields], converters=converters)
        _layouts[key] = layout
    return layout


def _read(
    layout: _Layout, sql: str, params: Sequence[Any] | Mapping[str, Any], using: str
) -> list[list[Any]]:
    connection = connections[using]
    with connection.cursor() as cursor:
        execute(cursor, sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        values = list(row)
        for index, expression, converters in layout.converters:
            for convert in converters:
                values[index] = convert(values[index], expression, connection)
        found.append(values)
    return found


def fetch(
    model: type[M],
    sql: str,
    params: Sequence[Any] | Mapping[str, Any],
    *,
    extra: Sequence[Column] = (),
    using: str = "default",
) -> list[tuple[M, tuple[Any, ...]]]:
    """Run ``sql`` (whose select list starts with ``select_list(model, ...)``) and
    return each row as (instance, the row's remaining columns).

    ``extra`` names the fields the remaining columns hold, in order, so they read
    as the ORM would read them; columns past those are returned as the driver
    gives them.
    """
    layout = _layout(model, extra, using)
    attnames = layout.attnames
    width = len(attnames)
    return [
        (model.from_db(using, attnames, values[:width]), tuple(values[width:]))
        for values in _read(layout, sql, params, using)
    ]


def fetch_values(
    columns: Sequence[Column],
    sql: str,
    params: Sequence[Any] | Mapping[str, Any],
    *,
    using: str = "default",
) -> list[tuple[Any, ...]]:
    """Run ``sql`` and return its rows, each column read as the field in the same
    place of ``columns`` would read it (an aware datetime on every database)."""
    layout = _layout(None, columns, using)
    return [tuple(values) for values in _read(layout, sql, params, using)]
