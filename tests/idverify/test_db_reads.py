"""Hot-path reads: instances from hand-written SQL, and statements PostgreSQL prepares."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from attestations.selectors import _EVIDENCE_SQL
from entitlements import selectors
from entitlements.models import ModelTier
from entitlements.policy import _REVOCATION_SQL
from idverify import db_reads

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _tier() -> ModelTier:
    return ModelTier.objects.create(
        slug="fable-5",
        name="Fable 5",
        min_level=2,
        blocked_places=[{"country": "UA", "subdivision": "43"}],
    )


def test_fetch_builds_the_same_instance_the_orm_would() -> None:
    tier = _tier()
    sql = (
        f"SELECT {db_reads.select_list(ModelTier, 't')}, 41 + 1, 'extra'"  # noqa: S608
        f" FROM {ModelTier._meta.db_table} t WHERE t.slug = %s"
    )
    [(fetched, extra)] = db_reads.fetch(ModelTier, sql, ["fable-5"])
    loaded = ModelTier.objects.get(pk=tier.pk)
    for field in ModelTier._meta.concrete_fields:
        assert getattr(fetched, field.attname) == getattr(loaded, field.attname), field.name
    # The JSON column went through the field's converter: a list, not its text.
    assert fetched.blocked_places == [{"country": "UA", "subdivision": "43"}]
    assert extra == (42, "extra")
    assert not fetched._state.adding
    assert fetched._state.db == "default"


def test_fetch_of_no_rows_is_an_empty_list() -> None:
    assert selectors.tier_for_token(slug="no-such-tier") is None


def test_hot_path_statements_name_their_columns() -> None:
    # A prepared "SELECT *" fails with "cached plan must not change result type"
    # once a migration adds a column under a running server.
    for sql in (selectors._TIER_SQL, _EVIDENCE_SQL, _REVOCATION_SQL):
        assert "*" not in sql
    assert '"directive_state"' in db_reads.select_list(ModelTier, "t")


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_token_paths_statements_are_prepared_and_nothing_else_is() -> None:
    _tier()
    for _ in range(20):
        assert selectors.tier_for_token(slug="fable-5") is not None
        assert ModelTier.objects.filter(slug="fable-5").exists()
    prepared = _prepared()
    assert sum("WHERE t.slug = $1" in statement for statement in prepared) == 1
    # An ORM query run as often is not: its generic plan, made while a table is
    # small, could outlive the table's growth (a bulk import).
    assert not any("LIMIT 1" in statement for statement in prepared), prepared


@pytest.mark.django_db(transaction=True)
def test_prepared_statements_show_in_djangos_query_log(
    django_assert_num_queries: Any,
) -> None:
    _tier()
    # In autocommit, as the token path runs: the statement alone. (Inside a
    # transaction a savepoint guards it: see test_prepared_after_migration.)
    with django_assert_num_queries(1) as queries:
        selectors.tier_for_token(slug="fable-5")
    assert "FROM entitlements_modeltier t WHERE t.slug" in queries.captured_queries[0]["sql"]


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
    assert "'server_side_binding': True" in off
