"""Set-based writes for enrolment: one statement per chunk, whatever its size.

On PostgreSQL a chunk's rows travel as one array per column and are spread
out again by ``unnest`` (``INSERT ... SELECT FROM unnest(...)``, ``UPDATE ...
FROM unnest(...)``): a statement with a handful of parameters, instead of
2,000 model objects rendered into 14,000 placeholders, which is where
``bulk_create`` spends most of its time. Other databases (the quick start's
SQLite) take Django's ``bulk_create`` and ``bulk_update``; both paths write
the same rows and are tested against each other.

Columns are given by attribute name (``organization_id``); a column left out
takes the field's default, computed per row as ``bulk_create`` would (so a
``uuid4`` default gives every row its own).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections
from django.db.models import Field, Model

Columns = Mapping[str, Sequence[Any]]

# Field types whose Python values psycopg sends as they are: no per-value
# preparation needed (it is a measurable part of bulk_create's time).
_NATIVE = frozenset(
    {
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateTimeField",
        "EmailField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "TextField",
        "UUIDField",
    }
)


def insert_rows(model: type[Model], columns: Columns, *, using: str = "default") -> list[int]:
    """Insert one row per position of the (equal-length) columns; the new ids, in no set order."""
    count = _row_count(columns)
    _fields(model, list(columns))  # unknown names are refused, not dropped
    if not count:
        return []
    if connections[using].vendor == "postgresql":
        return _insert_unnest(model, columns, count, using)
    return _insert_orm(model, columns, count, using)


def update_rows(
    model: type[Model], ids: Sequence[int], columns: Columns, *, using: str = "default"
) -> None:
    """Set the given columns of the rows ``ids``, position by position."""
    if len(ids) != _row_count(columns):
        raise ValueError("update_rows: every column needs one value per id")
    if not ids:
        return
    if connections[using].vendor == "postgresql":
        _update_unnest(model, ids, columns, using)
    else:
        _update_orm(model, ids, columns, using)


def _row_count(columns: Columns) -> int:
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError("bulk rows: columns of different lengths")
    return lengths.pop() if lengths else 0


def _fields(model: type[Model], names: Sequence[str]) -> list[Field[Any, Any]]:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [name for name in names if name not in by_attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
    return [by_attname[name] for name in names]


def _pk(model: type[Model]) -> Field[Any, Any]:
    pk = model._meta.pk
    if pk is None:  # abstract models only
        raise ValueError(f"{model.__name__} has no primary key")
    return pk


def _complete(model: type[Model], columns: Columns, count: int) -> dict[str, Sequence[Any]]:
    """Every column but the primary key: the given ones, the rest from field defaults."""
    full: dict[str, Sequence[Any]] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.attname in columns:
            full[field.attname] = columns[field.attname]
        else:
            full[field.attname] = [field.get_default() for _ in range(count)]
    return full


def _array_params(
    fields: Sequence[Field[Any, Any]], columns: Sequence[Sequence[Any]], using: str
) -> tuple[list[str], list[list[Any]]]:
    connection = connections[using]
    casts, params = [], []
    for field, values in zip(fields, columns, strict=True):
        casts.append(f"%s::{field.db_type(connection)}[]")
        if field.get_internal_type() in _NATIVE:
            params.append(list(values))
        else:
            params.append([field.get_db_prep_save(v, connection) for v in values])
    return casts, params


def _insert_unnest(model: type[Model], columns: Columns, count: int, using: str) -> list[int]:
    connection = connections[using]
    full = _complete(model, columns, count)
    fields = _fields(model, list(full))
    casts, params = _array_params(fields, list(full.values()), using)
    quote = connection.ops.quote_name
    pk = _pk(model)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - quoted names; values are parameters
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"SELECT * FROM unnest({', '.join(casts)}) "
        f"RETURNING {quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _update_unnest(model: type[Model], ids: Sequence[int], columns: Columns, using: str) -> None:
    connection = connections[using]
    pk = _pk(model)
    fields = _fields(model, list(columns))
    casts, params = _array_params([pk, *fields], [ids, *columns.values()], using)
    quote = connection.ops.quote_name
    names = [quote(f.column) for f in fields]
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t "  # noqa: S608 - quoted names; values are parameters
        f"SET {', '.join(f'{n} = v.{n}' for n in names)} "
        f"FROM unnest({', '.join(casts)}) AS v(idverify_pk, {', '.join(names)}) "
        f"WHERE t.{quote(pk.column)} = v.idverify_pk"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_orm(model: type[Model], columns: Columns, count: int, using: str) -> list[int]:
    names = list(columns)
    objects = [model(**{name: columns[name][i] for name in names}) for i in range(count)]
    created = model._default_manager.using(using).bulk_create(objects)
    return [obj.pk for obj in created]


def _update_orm(model: type[Model], ids: Sequence[int], columns: Columns, using: str) -> None:
    names = list(columns)
    objects = [
        model(pk=pk, **{name: columns[name][i] for name in names}) for i, pk in enumerate(ids)
    ]
    fields = [f.name for f in _fields(model, names)]
    model._default_manager.using(using).bulk_update(objects, fields)
