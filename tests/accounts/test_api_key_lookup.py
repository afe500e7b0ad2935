"""The API key lookup every API request makes is one prepared statement
(accounts.selectors.api_keys.api_key_by_digest); it returns what the ORM query returns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import api_keys
from accounts.models import ApiKey, User
from accounts.selectors.api_keys import api_key_by_digest
from accounts.services.api_keys import api_key_create, api_key_revoke
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db(databases=["default"])


def _values(obj: ApiKey | User) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _by_orm(digest: str) -> ApiKey | None:
    return ApiKey.objects.select_related("user").filter(digest=digest).first()


@pytest.mark.sqlite
def test_the_key_and_its_person_read_as_the_orm_reads_them() -> None:
    user = UserFactory.create(full_name="Ada Lovelace")
    created = api_key_create(user=user, name="ci", expires_at=timezone.now() + timedelta(days=30))
    digest = api_keys.digest(created.plaintext)
    with CaptureQueriesContext(connection) as queries:
        found = api_key_by_digest(digest)
    # One statement (inside a test's transaction it runs under a savepoint).
    selects = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(selects) == 1
    expected = _by_orm(digest)
    assert found is not None
    assert expected is not None
    assert _values(found) == _values(expected)
    with CaptureQueriesContext(connection) as queries:
        assert _values(found.user) == _values(expected.user)
    assert queries.captured_queries == []  # the person came with the key
    assert found.is_usable()
    assert found.user.email == user.email
    assert not found._state.adding
    assert found.user.pk == user.pk


@pytest.mark.sqlite
def test_an_unknown_digest_finds_nothing_and_a_revoked_key_reads_revoked() -> None:
    assert api_key_by_digest("0" * 64) is None
    user = UserFactory.create()
    created = api_key_create(user=user, name="old")
    api_key_revoke(user=user, key_public_id=str(created.api_key.public_id))
    found = api_key_by_digest(api_keys.digest(created.plaintext))
    assert found is not None
    assert found.revoked_at is not None
    assert not found.is_usable()
