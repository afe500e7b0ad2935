"""Hot-path reads: instances from hand-written SQL, and statements PostgreSQL prepares."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_a_statement_run_repeatedly_is_prepared_once_per_connection() -> None:
    _tier()
    for _ in range(6):
        assert selectors.tier_for_token(slug="fable-5") is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("WHERE t.slug = $1" in statement for statement in prepared), prepared


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
    assert "'prepare_threshold': 5" in _database_options()
    off = _database_options(DB_PREPARED_STATEMENTS="0")
    assert "'prepare_threshold': None" in off
    assert "'server_side_binding': True" in off
