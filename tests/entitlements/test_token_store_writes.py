"""The token store's writes: the single statement stores what the ORM reference stores,
and every statement of the token path is visible to Django's hooks and query log."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.selectors import audit_verify
from audit.services import AuditEntry, audit_seal_pending
from entitlements import token_store
from entitlements.models import DecisionReason, DecisionRecord, IssuedToken, ModelTier
from entitlements.policy import token_request_read
from entitlements.services.keys import signing_keys_rotate
from entitlements.services.tokens import token_issue
from entitlements.token_store import writes
from geo.models import GeoSignal
from geo.places import evaluate
from geo.services import geosignal_build
from tests.entitlements.support import person, signals, tier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]

NOW = datetime(2026, 12, 5, 12, 0, 0, 123456, tzinfo=UTC)
# Columns that differ between two writes by design: ids, and what covers an id.
_IDS = {"id", "jti", "content_hash", "mac", "geo_signal", "token", "decision", "seal"}

Save = Callable[..., None]


# The same rows again, with values of other shapes: an IPv6 address, a sponsoring
# organisation's id, a time written with a non-UTC offset (the same instant).
ORG = uuid.UUID("5b1f3c2e-0d4a-4c7e-9a51-1f0e2d3c4b5a")
AWAY = NOW.astimezone(timezone.get_fixed_timezone(-300))


def _write(
    save: Save, user: User, model_tier: ModelTier, *, allowed: bool, other_shapes: bool = False
) -> DecisionRecord:
    """One decision with a geo signal, reasons (or a token) and audit events, via ``save``."""
    found = signals()
    if other_shapes:
        found = replace(found, ip=ipaddress.ip_address("2001:db8::7"))
    geo_signal = geosignal_build(
        signals=found,
        evaluation=evaluate(found, blocked_places=[], anonymizers_allowed=True, fail_closed=False),
        purpose="token",
    )
    geo_signal.created_at = AWAY if other_shapes else NOW  # bound before the clock stopped
    token = (
        IssuedToken(
            jti=uuid.uuid4(),
            user=user,
            tier=model_tier,
            kid="kid-1",
            epoch=model_tier.epoch,
            organization_id=ORG if other_shapes else None,
            cnf_jkt="",
            issued_at=AWAY if other_shapes else NOW,
            expires_at=NOW + timedelta(minutes=15),
        )
        if allowed
        else None
    )
    record = DecisionRecord(
        user=user,
        tier=model_tier,
        allowed=allowed,
        reasons=[] if allowed else [{"code": "level_too_low", "message": "No."}],
        level=2,
        decided_at=NOW,
    )

    def decided() -> AuditEntry:
        return AuditEntry(
            "entitlement.decided",
            user,
            "model_tier",
            model_tier.slug,
            data={"geo_signal": geo_signal.pk, "jti": token.jti if token else None},
        )

    entries = [decided]
    if token is not None:
        entries.append(lambda: AuditEntry("token.issued", user, "user", user.public_id, data={}))
    codes = [] if allowed else ["level_too_low", "outside_places"]
    save(
        record=record,
        geo_signal=geo_signal,
        token=token,
        reason_codes=codes,
        audit_entries=entries,
    )
    return record


def _columns(row: Model) -> dict[str, Any]:
    """A row as stored, re-read from the database, without its ids."""
    stored = type(row)._default_manager.get(pk=row.pk)
    return {
        field.name: getattr(stored, field.attname)
        for field in type(row)._meta.concrete_fields
        if field.name not in _IDS
    }


def _stored(record: DecisionRecord) -> dict[str, Any]:
    record = DecisionRecord.objects.get(pk=record.pk)
    assert record.geo_signal is not None
    events = AuditEvent.objects.filter(
        subject_type__in=["model_tier", "user"], data__geo_signal__in=[record.geo_signal_id, None]
    ).order_by("id")
    mine = [e for e in events if e.occurred_at == NOW][-2 if record.token_id else -1 :]
    decided = mine[0]
    # The decision's event names the geo signal its own write stored.
    assert decided.data["geo_signal"] == record.geo_signal_id
    assert decided.data["jti"] == (str(record.token.jti) if record.token else None)
    stored_events = [_columns(event) for event in mine]
    for event in stored_events:
        event["data"] = {k: v for k, v in event["data"].items() if k not in _IDS | {"geo_signal"}}
    return {
        "record": _columns(record),
        "geo_signal": _columns(record.geo_signal),
        "token": _columns(record.token) if record.token else None,
        "reasons": [
            _columns(reason)
            for reason in DecisionReason.objects.filter(decision=record).order_by("code")
        ],
        "events": stored_events,
    }


def _differences(left: Any, right: Any, path: str = "") -> list[str]:
    if isinstance(left, dict) and isinstance(right, dict):
        found = [f"{path}.{key}: only one side" for key in left.keys() ^ right.keys()]
        for key in left.keys() & right.keys():
            found += _differences(left[key], right[key], f"{path}.{key}")
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [
            d
            for n, pair in enumerate(zip(left, right, strict=True))
            for d in _differences(*pair, f"{path}[{n}]")
        ]
    return [] if left == right else [f"{path}: {left!r} != {right!r}"]


@pytest.mark.parametrize("other_shapes", [False, True], ids=["plain", "other-shapes"])
@pytest.mark.parametrize("allowed", [True, False])
def test_the_single_statement_stores_the_rows_the_orm_reference_stores(
    allowed: bool, other_shapes: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the single statement is PostgreSQL's")
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    user, model_tier = person(2), tier()
    shapes = {"allowed": allowed, "other_shapes": other_shapes}
    by_orm = _write(token_store.decision_save_orm, user, model_tier, **shapes)
    by_sql = _write(writes._save_in_one_statement, user, model_tier, **shapes)

    assert by_sql.pk
    assert by_sql.pk != by_orm.pk
    assert not by_sql._state.adding
    stored_sql, stored_orm = _stored(by_sql), _stored(by_orm)
    assert _differences(stored_sql, stored_orm) == []
    assert stored_sql == stored_orm
    if allowed:
        assert by_sql.token is not None
        assert DecisionRecord.objects.get(pk=by_sql.pk).token_id == by_sql.token.pk
    else:
        assert DecisionReason.objects.filter(decision_id=by_sql.pk).count() == 2
    # Both sets of audit events carry ids and MACs the sealer accepts.
    monkeypatch.undo()
    seal = audit_seal_pending()
    assert seal is not None
    assert seal.rejected_event_ids == []
    assert audit_verify().ok


@pytest.mark.sqlite
def test_every_statement_of_a_token_request_is_seen_by_execute_wrapper_and_the_query_log() -> None:
    signing_keys_rotate()
    user, model_tier = person(2), tier(min_level=2)
    token_issue(user=user, tier=model_tier, signals=signals())  # warm the caches
    seen: list[str] = []

    def spy(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, ctx)

    with CaptureQueriesContext(connection) as logged, connection.execute_wrapper(spy):
        outcome = token_issue(user=user, tier=model_tier, signals=signals())
    assert outcome.token
    logged_sql = [query["sql"] for query in logged.captured_queries]
    assert len(seen) == len(logged_sql) >= 4
    decision_table = DecisionRecord._meta.db_table
    assert any(decision_table in sql and "INSERT" in sql for sql in seen)
    assert any("entitlements_userrevocation" in sql for sql in logged_sql)
    if connection.vendor == "postgresql":
        # Two statements write everything: the ids, then the rows (no BEGIN/COMMIT).
        writes_sent = [sql for sql in seen if "nextval" in sql or "INSERT" in sql]
        assert len(writes_sent) == 2, writes_sent


@pytest.mark.sqlite
def test_a_token_decision_is_stored_whole_on_every_database() -> None:
    signing_keys_rotate()
    user, model_tier = person(2), tier(min_level=2)
    outcome = token_issue(user=user, tier=model_tier, signals=signals())
    record = DecisionRecord.objects.select_related("token", "geo_signal").get(pk=outcome.record.pk)
    assert record.token is not None
    assert outcome.claims is not None
    assert str(record.token.jti) == outcome.claims["jti"]
    assert isinstance(record.geo_signal, GeoSignal)
    actions = list(
        AuditEvent.objects.filter(occurred_at__gte=record.decided_at).values_list(
            "action", flat=True
        )
    )
    assert {"entitlement.decided", "token.issued"} <= set(actions)


@pytest.mark.parametrize("level", [2, 0], ids=["issued", "refused"])
def test_a_token_requests_write_uses_the_ids_its_read_took(level: int) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the read takes the ids on PostgreSQL")
    signing_keys_rotate()
    user, model_tier = person(level), tier(min_level=2)
    token_issue(user=user, tier=model_tier, signals=signals())  # warm the caches
    sent: list[str] = []

    def spy(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        # Inside a test's transaction a savepoint guards each prepared statement.
        if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            sent.append(sql)
        return execute(sql, params, many, ctx)

    with connection.execute_wrapper(spy):
        found, facts = token_request_read(user, model_tier.slug)
        assert found == model_tier
        ids = facts.reserved_ids
        assert ids is not None
        outcome = token_issue(user=user, tier=model_tier, signals=signals(), facts=facts)
    # The read and the insert: no statement of their own for the ids.
    assert len(sent) == 2, sent
    assert "nextval" in sent[0]
    assert sent[1].startswith("WITH")
    assert "nextval" not in sent[1]
    record = outcome.record
    assert record.geo_signal_id == ids.geo_signal
    events = AuditEvent.objects.filter(id__in=ids.audit_events).order_by("id")
    # A refused decision writes one event (its id's twin is a gap); an issued token two.
    expected = ["entitlement.decided", "token.issued"] if level else ["entitlement.decided"]
    assert [event.action for event in events] == expected
    assert [event.id for event in events] == list(ids.audit_events[: len(expected)])
    assert events[0].data["geo_signal"] == ids.geo_signal
    assert (outcome.token is not None) == bool(level)


@pytest.mark.sqlite
def test_the_read_takes_ids_on_postgresql_only() -> None:
    found, facts = token_request_read(person(2), tier().slug)
    assert found is not None
    # SQLite (the quick start) has no sequences: its ORM write numbers the rows itself.
    assert (facts.reserved_ids is not None) == (connection.vendor == "postgresql")


def test_facts_read_for_one_person_cannot_decide_for_another() -> None:
    model_tier = tier(min_level=2)
    _, facts = token_request_read(person(2), model_tier.slug)
    with pytest.raises(ValueError, match="another person"):
        token_issue(user=person(0), tier=model_tier, signals=signals(), facts=facts)
