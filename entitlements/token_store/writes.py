"""What the token path writes: a decision, its reasons, geo signal, token and audit events.

Two ways, the same rows. ``decision_save_orm`` is the reference: the ORM, in one
transaction (BEGIN, an INSERT per table, COMMIT). On PostgreSQL ``decision_save``
sends one statement instead, in autocommit, inserting every row, atomic on its own
as a statement with data-modifying CTEs is. The ids that must be known before it
(``ids``: the geo signal's, which the decision's audit event names, and the audit
events' own, which their content hash and MAC cover) come taken by the token
request's read; a caller without them gets one more statement taking them. The
token's and the decision's ids come back from ``RETURNING`` and the rows that
refer to them read them from the CTEs. Django's foreign keys are
DEFERRABLE INITIALLY DEFERRED, so the order of the inserts does not matter.
Every row's values travel as one JSON parameter, read back per column type by
``jsonb_to_recordset``, not one parameter (or one array) per column: psycopg's
dumping of sixty-odd values cost about 0.06 ms more CPU per token, client and
server together (bench/token_path_db.py: 1.88-1.95 ms before, 1.82-1.87 after).
Tests hold the two ways to the same rows, column by column.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from ipaddress import IPv4Address, IPv6Address
from typing import Any
from uuid import UUID

from django.db import connections, transaction
from django.db.models import Field, JSONField, Model
from psycopg.types.json import Jsonb

from audit.models import AuditEvent
from audit.services import AuditEntry, audit_events_build, audit_record_many
from entitlements.models import DecisionReason, DecisionRecord, IssuedToken
from entitlements.token_store.ids import ReservedIds, nextval
from geo.models import GeoSignal
from idverify.prepared import cursor, execute

# One function per audit event, called once the rows have their ids (the decision's
# event names its geo signal).
AuditEntries = Sequence[Callable[[], AuditEntry]]


def use_single_statement(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def decision_save(
    *,
    record: DecisionRecord,
    geo_signal: GeoSignal | None,
    token: IssuedToken | None,
    reason_codes: Sequence[str],
    audit_entries: AuditEntries,
    ids: ReservedIds | None = None,
) -> None:
    """Save ``record`` (unsaved) with its geo signal and token (unsaved, or None), a
    reason row per code, and an audit event from each of ``audit_entries`` (called once
    the rows have their ids): all or nothing. Afterwards the instances count as saved.
    ``ids``: taken beforehand by the request's read (PostgreSQL), if it did."""
    if not use_single_statement():
        decision_save_orm(
            record=record,
            geo_signal=geo_signal,
            token=token,
            reason_codes=reason_codes,
            audit_entries=audit_entries,
        )
        return
    _save_in_one_statement(
        record=record,
        geo_signal=geo_signal,
        token=token,
        reason_codes=reason_codes,
        audit_entries=audit_entries,
        ids=ids,
    )


def decision_save_orm(
    *,
    record: DecisionRecord,
    geo_signal: GeoSignal | None,
    token: IssuedToken | None,
    reason_codes: Sequence[str],
    audit_entries: AuditEntries,
) -> None:
    """``decision_save`` through the ORM, in one transaction: the reference."""
    with transaction.atomic():
        for unsaved in (geo_signal, token):
            if unsaved is not None:
                unsaved.save(force_insert=True)
        record.geo_signal, record.token = geo_signal, token
        record.save(force_insert=True)
        DecisionReason.objects.bulk_create(
            [
                DecisionReason(decision=record, code=code, decided_at=record.decided_at)
                for code in reason_codes
            ]
        )
        audit_record_many([entry() for entry in audit_entries])


def _fields(model: type[Model], *, with_pk: bool) -> list[Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]


def _ids_sql(geo: bool, events: int) -> str:
    return "SELECT " + ", ".join([nextval(GeoSignal)] * geo + [nextval(AuditEvent)] * events)


def _ids(
    wrapped: Any, ids: ReservedIds | None, *, geo: bool, events: int
) -> tuple[int | None, list[int]]:
    """The geo signal's id (None: no geo signal) and the audit events', ascending: the
    ones the read took when they are enough, else taken now (one statement)."""
    if ids is not None and len(ids.audit_events) >= events:
        return (ids.geo_signal if geo else None), list(ids.audit_events[:events])
    execute(wrapped, _ids_sql(geo, events), [])
    taken = [int(value) for value in wrapped.fetchone() or ()]
    geo_id = taken.pop(0) if geo else None  # the first column
    return geo_id, sorted(taken)


# (geo signal, token, reasons) -> SQL: the token path repeats a handful of shapes.
_Shape = tuple[bool, bool, int]
_statements: dict[_Shape, str] = {}
# Columns whose value is not given but is the id of a row inserted by the statement
# (a decision without a token gets NULL).
_FROM_CTE = {
    (DecisionRecord, "token_id"): "(SELECT id FROM t)",
    (DecisionReason, "decision_id"): "(SELECT id FROM d)",
}


def _given(model: type[Model], *, with_pk: bool) -> list[Field[Any, Any]]:
    """The columns whose values the statement's parameter carries."""
    return [f for f in _fields(model, with_pk=with_pk) if (model, f.attname) not in _FROM_CTE]


def _insert(model: type[Model], name: str, *, with_pk: bool, token: bool = True) -> str:
    """An insert of the rows under ``name`` in the statement's one JSON parameter
    (``p.rows``), any number of them: ``jsonb_to_recordset`` reads each column with
    its own type. A JSON field's value arrives as the text its encoder wrote, which
    PostgreSQL parses as the ORM's insert has it parse it."""
    connection = connections["default"]
    cte = _FROM_CTE if token else {**_FROM_CTE, (DecisionRecord, "token_id"): "NULL"}

    def column(f: Field[Any, Any]) -> str:
        return f'"{f.column}"'

    def selected(f: Field[Any, Any]) -> str:
        found = cte.get((model, f.attname))
        if found is not None:
            return found
        return f"x.{column(f)}::jsonb" if isinstance(f, JSONField) else f"x.{column(f)}"

    declared = ", ".join(
        f"{column(f)} {'text' if isinstance(f, JSONField) else f.db_type(connection)}"
        for f in _given(model, with_pk=with_pk)
    )
    fields = _fields(model, with_pk=with_pk)
    return (
        f'INSERT INTO "{model._meta.db_table}" '  # noqa: S608 - model names; values are parameters
        f"({', '.join(column(f) for f in fields)}) "
        f"SELECT {', '.join(selected(f) for f in fields)} "
        f"FROM p, jsonb_to_recordset(p.rows -> '{name}') AS x({declared})"
    )


def _statement(shape: _Shape) -> str:
    found = _statements.get(shape)
    if found is None:
        geo, token, reasons = shape
        ctes = ["p AS (SELECT %s::jsonb AS rows)"]
        if token:
            ctes.append(f"t AS ({_insert(IssuedToken, 't', with_pk=False)} RETURNING id)")
        if geo:
            ctes.append(f"g AS ({_insert(GeoSignal, 'g', with_pk=True)})")
        decision = _insert(DecisionRecord, "d", with_pk=False, token=token)
        ctes.append(f"d AS ({decision} RETURNING id)")
        if reasons:
            ctes.append(f"r AS ({_insert(DecisionReason, 'r', with_pk=False)})")
        ctes.append(f"a AS ({_insert(AuditEvent, 'a', with_pk=True)})")
        returned = "(SELECT id FROM t)" if token else "NULL"
        found = f"WITH {', '.join(ctes)} SELECT (SELECT id FROM d), {returned}"  # noqa: S608
        _statements[shape] = found
    return found


def _json_value(value: Any) -> Any:
    """A value as ``get_db_prep_save`` gives it to psycopg, as JSON that
    ``jsonb_to_recordset`` reads back to the same value of the column's type."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal | IPv4Address | IPv6Address):
        return str(value)
    if isinstance(value, Jsonb):
        return (value.dumps or json.dumps)(value.obj)
    raise TypeError(f"no JSON form for a {type(value).__name__} column value")


def _rows(objects: Sequence[Model], *, with_pk: bool) -> list[dict[str, Any]]:
    if not objects:
        return []
    model = type(objects[0])
    connection = connections["default"]
    fields = _given(model, with_pk=with_pk)
    return [
        {
            f.column: _json_value(f.get_db_prep_save(obj.__dict__[f.attname], connection))
            for f in fields
        }
        for obj in objects
    ]


def _save_in_one_statement(
    *,
    record: DecisionRecord,
    geo_signal: GeoSignal | None,
    token: IssuedToken | None,
    reason_codes: Sequence[str],
    audit_entries: AuditEntries,
    ids: ReservedIds | None = None,
) -> None:
    """``decision_save`` in one statement (PostgreSQL), after one taking the ids unless
    ``ids`` (taken by the request's read) has them."""
    with cursor() as wrapped:
        geo_id, event_ids = _ids(
            wrapped, ids, geo=geo_signal is not None, events=len(audit_entries)
        )
        if geo_signal is not None:
            geo_signal.pk = geo_id
            record.geo_signal = geo_signal
        events = audit_events_build([entry() for entry in audit_entries], ids=event_ids)
        reasons = [
            DecisionReason(decision_id=0, code=code, decided_at=record.decided_at)
            for code in reason_codes
        ]
        shape = (geo_signal is not None, token is not None, len(reasons))
        rows = {
            "t": _rows([token] if token else [], with_pk=False),
            "g": _rows([geo_signal] if geo_signal else [], with_pk=True),
            "d": _rows([record], with_pk=False),
            "r": _rows(reasons, with_pk=False),
            "a": _rows(events, with_pk=True),
        }
        parameter = json.dumps(rows, separators=(",", ":"), allow_nan=False)
        execute(wrapped, _statement(shape), [parameter])
        row = wrapped.fetchone()
    if row is None:
        raise RuntimeError("the decision's insert returned no row")
    record.pk, token_id = row
    if token is not None:
        token.pk = token_id
        record.token = token
    for saved in (geo_signal, token, record, *events):
        if saved is not None:
            saved._state.adding = False
            saved._state.db = "default"
