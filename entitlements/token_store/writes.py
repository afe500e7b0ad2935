"""What the token path writes: a decision, its reasons, geo signal, token and audit events.

Two ways, the same rows. ``decision_save_orm`` is the reference: the ORM, in one
transaction (BEGIN, an INSERT per table, COMMIT). On PostgreSQL ``decision_save``
sends two statements instead, in autocommit: one takes from the sequences the ids
that must be known before the insert (the geo signal's, which the decision's audit
event names, and the audit events' own, which their content hash and MAC cover),
and one inserts every row, atomic on its own as a statement with data-modifying
CTEs is. The token's and the decision's ids come back from ``RETURNING`` and the
rows that refer to them read them from the CTEs. Django's foreign keys are
DEFERRABLE INITIALLY DEFERRED, so the order of the inserts does not matter.
Tests hold the two ways to the same rows, column by column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, transaction
from django.db.models import Field, Model

from audit.models import AuditEvent
from audit.services import AuditEntry, audit_events_build, audit_record_many
from entitlements.models import DecisionReason, DecisionRecord, IssuedToken
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
) -> None:
    """Save ``record`` (unsaved) with its geo signal and token (unsaved, or None), a
    reason row per code, and an audit event from each of ``audit_entries`` (called once
    the rows have their ids): all or nothing. Afterwards the instances count as saved."""
    save = _save_in_one_statement if use_single_statement() else decision_save_orm
    save(
        record=record,
        geo_signal=geo_signal,
        token=token,
        reason_codes=reason_codes,
        audit_entries=audit_entries,
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
    def nextval(model: type[Model]) -> str:
        return f"nextval(pg_get_serial_sequence('{model._meta.db_table}', 'id'))"

    return "SELECT " + ", ".join([nextval(GeoSignal)] * geo + [nextval(AuditEvent)] * events)


# (geo signal, token, reasons) -> SQL: the token path repeats a handful of shapes (any
# number of audit events fits each: they are passed as arrays).
_Shape = tuple[bool, bool, int]
_statements: dict[_Shape, str] = {}
# Columns whose value is not a parameter but the id of a row inserted by the statement
# (a decision without a token gets NULL).
_FROM_CTE = {
    (DecisionRecord, "token_id"): "(SELECT id FROM t)",
    (DecisionReason, "decision_id"): "(SELECT id FROM d)",
}


def _insert(model: type[Model], count: int, *, with_pk: bool, token: bool = True) -> str:
    fields = _fields(model, with_pk=with_pk)
    cte = _FROM_CTE if token else {**_FROM_CTE, (DecisionRecord, "token_id"): "NULL"}
    row = "(" + ", ".join(cte.get((model, f.attname), "%s") for f in fields) + ")"
    return (
        f'INSERT INTO "{model._meta.db_table}" '  # noqa: S608 - model names; values are parameters
        f"({', '.join(chr(34) + f.column + chr(34) for f in fields)}) "
        f"VALUES {', '.join([row] * count)}"
    )


def _insert_columns(model: type[Model], *, with_pk: bool) -> str:
    """An insert of any number of rows with one parameter per column (an array each),
    not one per value: psycopg re-parses a statement of more than 50 parameters on
    every execution instead of caching it, and the audit events alone have 28."""
    connection = connections["default"]
    fields = _fields(model, with_pk=with_pk)
    arrays = ", ".join(f"%b::{f.db_type(connection)}[]" for f in fields)
    return (
        f'INSERT INTO "{model._meta.db_table}" '  # noqa: S608 - model names; values are parameters
        f"({', '.join(chr(34) + f.column + chr(34) for f in fields)}) "
        f"SELECT * FROM unnest({arrays})"
    )


def _statement(shape: _Shape) -> str:
    found = _statements.get(shape)
    if found is None:
        geo, token, reasons = shape
        ctes = []
        if token:
            ctes.append(f"t AS ({_insert(IssuedToken, 1, with_pk=False)} RETURNING id)")
        if geo:
            ctes.append(f"g AS ({_insert(GeoSignal, 1, with_pk=True)})")
        ctes.append(f"d AS ({_insert(DecisionRecord, 1, with_pk=False, token=token)} RETURNING id)")
        if reasons:
            ctes.append(f"r AS ({_insert(DecisionReason, reasons, with_pk=False)})")
        ctes.append(f"a AS ({_insert_columns(AuditEvent, with_pk=True)})")
        returned = "(SELECT id FROM t)" if token else "NULL"
        found = f"WITH {', '.join(ctes)} SELECT (SELECT id FROM d), {returned}"  # noqa: S608
        _statements[shape] = found
    return found


def _params(objects: Sequence[Model], *, with_pk: bool) -> list[Any]:
    if not objects:
        return []
    model = type(objects[0])
    connection = connections["default"]
    fields = [f for f in _fields(model, with_pk=with_pk) if (model, f.attname) not in _FROM_CTE]
    return [
        f.get_db_prep_save(obj.__dict__[f.attname], connection) for obj in objects for f in fields
    ]


def _column_params(objects: Sequence[Model], *, with_pk: bool) -> list[list[Any]]:
    """``_params`` by column: for each field, its values in every object, in order."""
    model = type(objects[0])
    connection = connections["default"]
    return [
        [f.get_db_prep_save(obj.__dict__[f.attname], connection) for obj in objects]
        for f in _fields(model, with_pk=with_pk)
    ]


def _save_in_one_statement(
    *,
    record: DecisionRecord,
    geo_signal: GeoSignal | None,
    token: IssuedToken | None,
    reason_codes: Sequence[str],
    audit_entries: AuditEntries,
) -> None:
    """``decision_save`` in two statements (PostgreSQL): the ids, then every row."""
    with cursor() as wrapped:
        execute(wrapped, _ids_sql(geo_signal is not None, len(audit_entries)), [])
        ids = [int(value) for value in wrapped.fetchone() or ()]
        if geo_signal is not None:
            geo_signal.pk = ids.pop(0)  # the first column
            record.geo_signal = geo_signal
        events = audit_events_build([entry() for entry in audit_entries], ids=sorted(ids))
        reasons = [
            DecisionReason(decision_id=0, code=code, decided_at=record.decided_at)
            for code in reason_codes
        ]
        shape = (geo_signal is not None, token is not None, len(reasons))
        params = [
            *_params([token] if token else [], with_pk=False),
            *_params([geo_signal] if geo_signal else [], with_pk=True),
            *_params([record], with_pk=False),
            *_params(reasons, with_pk=False),
            *_column_params(events, with_pk=True),
        ]
        execute(wrapped, _statement(shape), params)
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
