"""A migration under running servers: their prepared token-path statements keep working.

PostgreSQL refuses to run a prepared statement whose result columns changed type
since it was prepared ("cached plan must not change result type"), even for
``varchar(200)`` becoming ``varchar(220)``. Each test here prepares the token
path's statements on the server's connection, changes column types from a second
connection, as a migration run elsewhere would, and asks again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from accounts.models import User
from attestations.models import Attestation
from entitlements.models import DecisionReason, ModelTier
from entitlements.policy import token_request_read
from tests.entitlements.support import US_CALIFORNIA, person, tier

ApiClientFor = Callable[[User | None], APIClient]

# (table, column, type now, type a migration gives it): columns the token path reads.
_CHANGES = [
    (ModelTier._meta.db_table, "name", "varchar(200)", "varchar(220)"),
    (Attestation._meta.db_table, "given_names", "varchar(200)", "varchar(220)"),
    # A table the token path writes, by one prepared INSERT.
    (DecisionReason._meta.db_table, "code", "varchar(64)", "varchar(80)"),
]


def _alter(to_new: bool) -> None:
    """ALTER the columns from a connection of their own, committed at once."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("server_side_binding", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        for table, column, old, new in _CHANGES:
            other.execute(
                f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {new if to_new else old}'
            )


@contextmanager
def _migrated_under_the_server() -> Iterator[None]:
    _alter(to_new=True)
    try:
        yield
    finally:
        # The test database is reused by the next run: put the columns back, and
        # start the next test on a connection that never saw either type.
        connection.close()
        _alter(to_new=False)
        connection.close()


def _ask(client: APIClient) -> int:
    response = client.post(
        "/api/v1/tokens", {"model": "fable-5"}, format="json", REMOTE_ADDR=US_CALIFORNIA
    )
    return int(response.status_code)


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_places")
def test_a_token_is_issued_after_a_migration_changes_a_column_type_under_the_server(
    api_client_for: ApiClientFor,
) -> None:
    tier(min_level=2, us_person_required=True)
    client = api_client_for(person(2))
    assert _ask(client) == 201
    assert any("JOIN entitlements_modeltier t" in s for s in _prepared_statements())
    with _migrated_under_the_server():
        assert _ask(client) == 201
        # And the connection keeps its statements prepared for the next request.
        assert _ask(client) == 201
        assert any("JOIN entitlements_modeltier t" in s for s in _prepared_statements())


@pytest.mark.django_db(transaction=True)
def test_a_prepared_read_inside_a_transaction_survives_a_migration_too() -> None:
    tier(min_level=2)
    user = person(2)
    assert token_request_read(user, "fable-5")[0] is not None
    with _migrated_under_the_server():
        with transaction.atomic():
            found, _ = token_request_read(user, "fable-5")
            # The transaction is still usable after the statement was retried.
            assert ModelTier.objects.filter(slug="fable-5").count() == 1
        assert found is not None
        assert found.name == "Fable 5"
