"""Hand-written statements through Django's cursors, prepared on PostgreSQL.

Used on the API's hottest paths only: the token store
(``entitlements.token_store``), the API-key lookup every API request makes
(``accounts.selectors.api_keys``) and the memberships ``GET /api/v1/me`` lists
(``accounts.selectors.memberships``). Each
statement is written once, at import or on first use, and has an ORM twin that
tests hold it equal to.

Every statement goes through a Django ``CursorWrapper`` (``execute``), so
``connection.execute_wrapper`` hooks, the query log (``connection.queries``
under DEBUG, ``CaptureQueriesContext``) and Django's error translation see it
like any ORM query. On PostgreSQL the wrapped cursor is a server-binding psycopg
cursor that asks for every statement to be prepared: the connection parses and
plans each of the token path's statements once. That halved the PostgreSQL CPU
per issued token (bench/token_path_db.py, docs/architecture.md). Only these
cursors prepare; every other query keeps Django's default client-side
binding, so a bulk import never runs under a generic plan made while a table was
small. ``DB_PREPARED_STATEMENTS=false`` (some poolers) turns preparing off.

A prepared statement outlives a migration badly: PostgreSQL refuses to run one
whose result columns changed type since it was prepared ("cached plan must not
change result type"). ``execute`` then has the connection forget its prepared
statements and runs the statement again, prepared afresh.

A raw cursor skips the converters the ORM applies, and on SQLite (the quick
start) that matters: a timestamp comes back naive, a UUID as hex text. So every
column read here goes through the converters of the field it holds, and a value
reads the same on every database.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

import psycopg
from django.db import DatabaseError, NotSupportedError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Params: TypeAlias = "Sequence[Any] | Mapping[str, Any]"
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]
# The field a result column holds, so it reads as the ORM reads it; None: as it comes.
Column: TypeAlias = "Field[Any, Any] | None"


def _preparing_cursor_class() -> type[Any]:
    # Django's PostgreSQL backend, loaded only when PostgreSQL is in use.
    base = importlib.import_module("django.db.backends.postgresql.base")
    server_binding: type[Any] = base.ServerBindingCursor

    class PreparingCursor(server_binding):  # type: ignore[misc]
        """Django's server-binding cursor, asking psycopg to prepare every statement."""

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs["prepare"] = True
            return super().execute(query, params, **kwargs)

    return PreparingCursor


class _LoggedCursor(CursorDebugWrapper):
    """Django's query-logging wrapper, logging the statement with its values.

    Django asks the driver for the SQL it ran, which a prepared statement does not
    keep; the values are put in as the server-side-binding mode of Django does."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        try:
            shown = self.db.ops.compose_sql(sql, params)
        except DatabaseError:
            shown = sql
        with self.debug_sql(shown, params):
            return CursorWrapper.execute(self, sql, params)


_cursor_classes: list[type[Any]] = []


@contextmanager
def cursor(using: str = "default") -> Iterator[CursorWrapper]:
    """A Django cursor for the token path's statements (prepared on PostgreSQL)."""
    db = connections[using]
    if db.vendor != "postgresql":
        with db.cursor() as plain:
            yield plain
        return
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    if not _cursor_classes:
        _cursor_classes.append(_preparing_cursor_class())
    raw = _cursor_classes[0](db.connection)
    wrapped = _LoggedCursor(raw, db) if db.queries_logged else db.make_cursor(raw)
    with wrapped:
        yield wrapped


def execute(cursor: CursorWrapper, sql: str, params: Params) -> None:
    """``cursor.execute``, run once more, re-prepared, if a migration made the plan stale."""
    db = cursor.db
    if db.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    try:
        _execute_guarded(cursor, sql, params)
    except NotSupportedError as exc:
        if not _plan_outdated(exc):
            raise
        _forget_prepared(db)
        _execute_guarded(cursor, sql, params)


def _execute_guarded(cursor: CursorWrapper, sql: str, params: Params) -> None:
    # A failed statement aborts the transaction it runs in, so inside one it runs
    # under a savepoint, which lets the retry (and the caller's later statements)
    # go on. It costs two round trips; the token path runs in autocommit and pays nothing.
    db = cursor.db
    guard: AbstractContextManager[Any] = (
        transaction.atomic(using=db.alias) if db.in_atomic_block else nullcontext()
    )
    with guard:
        cursor.execute(sql, params)


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
    with db.connection.transaction() as unused:
        raise psycopg.Rollback(unused)


def select_list(model: type[Model], alias: str) -> str:
    """``alias."col", ...`` for every concrete field of ``model``, in field order (never
    ``*``: a column added by a migration must not change a statement's result)."""
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


@dataclass(frozen=True)
class _Layout:
    # The model's attribute names, when the row starts with a model's columns.
    attnames: list[str]
    # (column index, its expression, the converters Django would apply), only for
    # the columns that have any.
    converters: list[tuple[int, Any, list[Converter]]]


# Worked out once per (database, model, extra columns): Model.objects.raw() does it
# on every call, which on the token path cost more than the database's answer.
_layouts: dict[tuple[str, type[Model] | None, tuple[Column, ...]], _Layout] = {}


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


def _read(layout: _Layout, sql: str, params: Params, using: str) -> list[list[Any]]:
    connection = connections[using]
    with cursor(using) as wrapped:
        execute(wrapped, sql, params)
        rows = wrapped.fetchall()
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
    params: Params,
    *,
    extra: Sequence[Column] = (),
    using: str = "default",
) -> list[tuple[M, tuple[Any, ...]]]:
    """Run ``sql`` (whose select list starts with ``select_list(model, ...)``) and
    return each row as (instance, the row's remaining columns), the remaining
    columns read as the fields ``extra`` names."""
    layout = _layout(model, extra, using)
    attnames = layout.attnames
    width = len(attnames)
    return [
        (model.from_db(using, attnames, values[:width]), tuple(values[width:]))
        for values in _read(layout, sql, params, using)
    ]


def fetch_values(
    columns: Sequence[Column], sql: str, params: Params, *, using: str = "default"
) -> list[tuple[Any, ...]]:
    """Run ``sql`` and return its rows, each column read as the field in the same
    place of ``columns`` would read it (an aware datetime on every database)."""
    layout = _layout(None, columns, using)
    return [tuple(values) for values in _read(layout, sql, params, using)]
