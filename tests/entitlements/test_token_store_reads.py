"""The token store's reads: instances from hand-written SQL, and statements PostgreSQL prepares."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from entitlements import token_store
from entitlements.models import ModelTier
from entitlements.token_store.reads import _FACTS_SQL, _SCREENING_SQL, _TIER_AND_FACTS_SQL
from idverify import prepared as _sql
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _tier() -> ModelTier:
    return ModelTier.objects.create(
        slug="fable-5",
        name="Fable 5",
        min_level=2,
        blocked_places=[{"country": "UA", "subdivision": "43"}],
    )


@pytest.mark.sqlite
def test_fetch_builds_the_same_instance_the_orm_would() -> None:
    tier = _tier()
    sql = (
        f"SELECT {_sql.select_list(ModelTier, 't')}, 41 + 1, 'extra'"  # noqa: S608
        f" FROM {ModelTier._meta.db_table} t WHERE t.slug = %s"
    )
    [(fetched, extra)] = _sql.fetch(ModelTier, sql, ["fable-5"])
    loaded = ModelTier.objects.get(pk=tier.pk)
    for field in ModelTier._meta.concrete_fields:
        assert getattr(fetched, field.attname) == getattr(loaded, field.attname), field.name
    # The JSON column went through the field's converter: a list, not its text.
    assert fetched.blocked_places == [{"country": "UA", "subdivision": "43"}]
    assert extra == (42, "extra")
    assert not fetched._state.adding
    assert fetched._state.db == "default"


@pytest.mark.sqlite
def test_extra_columns_and_plain_rows_read_as_their_fields_on_every_database() -> None:
    # SQLite's driver gives a timestamp as a naive datetime and a UUID as hex text;
    # subtracting the one from an aware "now" was a server error on the token path.
    user = UserFactory.create()
    tier = _tier()
    sql = (
        f"SELECT {_sql.select_list(ModelTier, 't')}, t.created_at, u.public_id"  # noqa: S608
        f" FROM {ModelTier._meta.db_table} t, {User._meta.db_table} u"
        " WHERE t.slug = %(slug)s AND u.id = %(user)s"
    )
    params = {"slug": "fable-5", "user": user.pk}
    (created_at,) = _sql.model_fields(ModelTier, "created_at")
    (public_id,) = _sql.model_fields(User, "public_id")
    [(fetched, extra)] = _sql.fetch(ModelTier, sql, params, extra=(created_at, public_id))
    assert fetched.created_at == tier.created_at
    assert extra == (tier.created_at, user.public_id)
    assert timezone.is_aware(extra[0])
    assert isinstance(extra[1], uuid.UUID)

    sql = (
        f"SELECT t.created_at, t.directive_set_at, t.us_person_required"  # noqa: S608
        f" FROM {ModelTier._meta.db_table} t WHERE t.slug = %s"
    )
    columns = _sql.model_fields(ModelTier, "created_at", "directive_set_at", "us_person_required")
    [row] = _sql.fetch_values(columns, sql, ["fable-5"])
    assert row == (tier.created_at, None, True)
    assert timezone.is_aware(row[0])


def test_model_fields_are_columns_only() -> None:
    with pytest.raises(ValueError, match="is not a column"):
        _sql.model_fields(User, "memberships")


def _tier_read(slug: str = "fable-5", user: User | None = None) -> ModelTier | None:
    """The token request's read (the tier and the person's facts, one statement)."""
    now = timezone.now()
    tier, facts = token_store.tier_and_token_facts(
        slug=slug, user=user or UserFactory.create(), at=now, since=now
    )
    assert facts.at == now
    return tier


@pytest.mark.sqlite
def test_fetch_of_no_rows_is_an_empty_list() -> None:
    columns = _sql.select_list(ModelTier, "t")
    sql = f"SELECT {columns} FROM entitlements_modeltier t WHERE t.slug = %s"  # noqa: S608
    assert _sql.fetch(ModelTier, sql, ["no-such-tier"]) == []


@pytest.mark.sqlite
def test_the_tier_comes_with_the_facts_as_the_orm_reads_it_or_not_at_all() -> None:
    made = _tier()
    assert _tier_read("no-such-tier") is None
    found = _tier_read()
    assert found is not None
    assert not found._state.adding
    fields = ModelTier._meta.concrete_fields
    assert [getattr(found, f.attname) for f in fields] == [getattr(made, f.attname) for f in fields]


def test_hot_path_statements_name_their_columns() -> None:
    # A prepared "SELECT *" fails with "cached plan must not change result type"
    # once a migration adds a column under a running server.
    for sql in (_TIER_AND_FACTS_SQL, _FACTS_SQL, _SCREENING_SQL):
        assert "*" not in sql
    assert '"directive_state"' in _sql.select_list(ModelTier, "t")


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_token_paths_statements_are_prepared_and_nothing_else_is() -> None:
    _tier()
    reader = UserFactory.create()
    for _ in range(20):
        assert _tier_read(user=reader) is not None
        assert ModelTier.objects.filter(slug="fable-5").exists()
    prepared = _prepared()
    assert sum("entitlements_modeltier t ON t.slug = $" in sql for sql in prepared) == 1
    # An ORM query run as often is not: its generic plan, made while a table is
    # small, could outlive the table's growth (a bulk import).
    assert not any('SELECT 1 AS "a"' in statement for statement in prepared), prepared


@pytest.mark.django_db(transaction=True)
def test_prepared_statements_show_in_djangos_query_log(
    django_assert_num_queries: Any,
) -> None:
    _tier()
    reader = UserFactory.create()
    # In autocommit, as the token path runs: the statement alone. (Inside a
    # transaction a savepoint guards it: see test_prepared_after_migration.)
    with django_assert_num_queries(1) as queries:
        _tier_read(user=reader)
    assert "JOIN entitlements_modeltier t ON t.slug" in queries.captured_queries[0]["sql"]


def _database_options(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "DB_PREPARED_STATEMENTS"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler() -> None:
    assert f"'prepare_threshold': {2**62}" in _database_options()
    off = _database_options(DB_PREPARED_STATEMENTS="0")
    assert "'prepare_threshold': None" in off
    assert "server_side_binding" not in off


def test_a_sqlite_database_url_gets_the_quick_starts_options(tmp_path: Path) -> None:
    # The tests' SQLite pass (scripts/test.sh) must run SQLite as the quick start does.
    options = _database_options(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert "'transaction_mode': 'IMMEDIATE'" in options
    assert "'init_command': 'PRAGMA journal_mode=WAL;'" in options
