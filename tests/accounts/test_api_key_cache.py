"""A process serves a key it read in the last IDV_API_KEY_CACHE_SECONDS from its own copy
(accounts.selectors.api_key_cache): a change made here is seen at once, one made by another
process when the copy lapses, and nothing a request does reaches another request."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import api_keys
from accounts.models import ApiKey, User
from accounts.selectors import api_key_cache
from accounts.selectors.api_keys import api_key_by_digest
from accounts.services.api_keys import api_key_create, api_key_revoke, api_keys_prune
from tests.support.api import assert_api_error
from tests.support.clock import ReadsClock

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(recent_reads_clock: ReadsClock) -> ReadsClock:
    return recent_reads_clock


def _me(key: str) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client.get("/api/v1/me")


def _key_reads(send: Callable[[], Any]) -> tuple[Any, int]:
    """``send()``'s response and how many times it read a key from the database."""
    with CaptureQueriesContext(connection) as queries:
        response = send()
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and "accounts_apikey" in q["sql"]
    ]
    return response, len(reads)


def test_a_key_in_use_is_read_once_until_its_copy_lapses(owner: User, clock: ReadsClock) -> None:
    key = api_key_create(user=owner, name="bot").plaintext
    assert _key_reads(lambda: _me(key))[1] == 1
    clock.now += 4.9
    response, reads = _key_reads(lambda: _me(key))
    assert (response.status_code, reads) == (200, 0)
    assert response.json()["email"] == owner.email
    clock.now += 0.2  # 5.1 s after the read
    assert _key_reads(lambda: _me(key))[1] == 1


def test_zero_seconds_reads_the_key_on_every_request(
    owner: User, clock: ReadsClock, settings: Any
) -> None:
    settings.IDV_API_KEY_CACHE_SECONDS = 0
    key = api_key_create(user=owner, name="bot").plaintext
    assert [_key_reads(lambda: _me(key))[1] for _ in range(3)] == [1, 1, 1]


def test_revoking_deleting_or_deactivating_here_refuses_a_held_key_at_once(
    owner: User, clock: ReadsClock
) -> None:
    revoked = api_key_create(user=owner, name="a")
    assert _me(revoked.plaintext).status_code == 200
    api_key_revoke(user=owner, key_public_id=str(revoked.api_key.public_id))
    assert_api_error(_me(revoked.plaintext), 401, "authentication_failed")

    pruned = api_key_create(user=owner, name="b")
    assert _me(pruned.plaintext).status_code == 200
    ApiKey.objects.filter(pk=pruned.api_key.pk).update(
        revoked_at=timezone.now() - timedelta(days=91)
    )
    # Pruned (the first key, revoked just now, is kept): a queryset delete signals each row.
    assert api_keys_prune() == 1
    assert_api_error(_me(pruned.plaintext), 401, "authentication_failed")

    live = api_key_create(user=owner, name="c")
    assert _me(live.plaintext).status_code == 200
    owner.is_active = False
    owner.save()
    assert_api_error(_me(live.plaintext), 401, "authentication_failed")


def test_a_change_made_by_another_process_is_seen_when_the_copy_lapses(
    owner: User, clock: ReadsClock
) -> None:
    created = api_key_create(user=owner, name="bot")
    assert _me(created.plaintext).status_code == 200
    # Another process revokes it: this one hears nothing (a queryset update sends no signal).
    ApiKey.objects.filter(pk=created.api_key.pk).update(revoked_at=timezone.now())
    clock.now += 4.9
    assert _me(created.plaintext).status_code == 200  # the documented bound, not more
    clock.now += 0.2
    assert_api_error(_me(created.plaintext), 401, "authentication_failed")


def test_a_held_key_still_expires_on_time(owner: User, clock: ReadsClock, monkeypatch: Any) -> None:
    soon = timezone.now() + timedelta(minutes=10)
    created = api_key_create(user=owner, name="bot", expires_at=soon)
    assert _me(created.plaintext).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: soon + timedelta(seconds=1))
    assert_api_error(_me(created.plaintext), 401, "authentication_failed")


def test_a_read_that_overlaps_a_change_is_not_kept(owner: User, clock: ReadsClock) -> None:
    created = api_key_create(user=owner, name="bot")
    digest = api_keys.digest(created.plaintext)
    loads: list[str] = []

    def load_while_changed(wanted: str) -> ApiKey | None:
        loads.append(wanted)
        found = api_key_by_digest(wanted)
        api_key_cache.held.forget()  # a key or person changed during the read
        return found

    assert api_key_cache.api_key_held(digest, load_while_changed) is not None
    assert api_key_cache.api_key_held(digest, load_while_changed) is not None
    assert len(loads) == 2  # the first read was not kept


def test_a_copy_read_before_a_change_commits_is_dropped_when_it_commits(
    owner: User, clock: ReadsClock, django_capture_on_commit_callbacks: Any
) -> None:
    created = api_key_create(user=owner, name="bot")
    digest = api_keys.digest(created.plaintext)
    before = api_key_by_digest(digest)
    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(user=owner, key_public_id=str(created.api_key.public_id))
        # Another thread read the row as committed before the revocation, and keeps it.
        api_key_cache.api_key_held(digest, lambda _: copy.deepcopy(before))
        assert digest in api_key_cache.held.kept()
    assert digest not in api_key_cache.held.kept()
    assert_api_error(_me(created.plaintext), 401, "authentication_failed")


def test_unknown_digests_are_not_kept_and_copies_are_bounded(
    owner: User, clock: ReadsClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_key_cache.held, "capacity", 2)
    assert api_key_cache.api_key_held("0" * 64, api_key_by_digest) is None
    assert api_key_cache.held.kept() == []
    digests = [
        api_keys.digest(api_key_create(user=owner, name=f"k{n}").plaintext) for n in range(3)
    ]
    for digest in digests:
        assert api_key_cache.api_key_held(digest, api_key_by_digest) is not None
    assert api_key_cache.held.kept() == digests[1:]  # the oldest went first


def test_each_request_gets_its_own_key_and_person(owner: User, clock: ReadsClock) -> None:
    created = api_key_create(user=owner, name="bot")
    digest = api_keys.digest(created.plaintext)
    first = api_key_cache.api_key_held(digest, api_key_by_digest)
    second = api_key_cache.api_key_held(digest, api_key_by_digest)
    third = api_key_cache.api_key_held(digest, api_key_by_digest)
    assert first is not None
    assert second is not None
    assert third is not None
    assert second is not third
    assert second.user is not third.user
    second.name = "changed"
    second.user.full_name = "Changed"
    assert (third.name, third.user.full_name) == ("bot", owner.full_name)
    assert not third._state.adding
    assert third.user.pk == owner.pk


def test_a_held_key_writes_its_use_down_once_a_minute(
    owner: User, clock: ReadsClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = api_key_create(user=owner, name="bot").plaintext

    def writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _me(key).status_code == 200
        sent = [q["sql"] for q in queries.captured_queries]
        return sum(sql.startswith('UPDATE "accounts_apikey"') for sql in sent)

    assert writes() == 1  # first use
    assert writes() == 0
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert writes() == 1  # a minute on, from the held copy
    assert writes() == 0  # and the copy knows it was written down


def test_noting_a_use_never_undoes_a_revocation_read_since(owner: User, clock: ReadsClock) -> None:
    created = api_key_create(user=owner, name="bot")
    digest = api_keys.digest(created.plaintext)
    # A request holds the key, and starts writing its use down...
    in_flight = api_key_cache.api_key_held(digest, api_key_by_digest)
    assert in_flight is not None
    # ...while another thread revokes it and a third request reads the revoked row.
    api_key_revoke(user=owner, key_public_id=str(created.api_key.public_id))
    assert api_key_cache.api_key_held(digest, api_key_by_digest) is not None
    in_flight.last_used_at = timezone.now()
    in_flight.expires_at = timezone.now() + timedelta(days=400)
    api_key_cache.api_key_noted(digest, in_flight)
    held = api_key_cache.api_key_held(digest, api_key_by_digest)
    assert held is not None
    assert held.revoked_at is not None
    assert held.last_used_at == in_flight.last_used_at
    assert held.expires_at != in_flight.expires_at  # an expiry is only ever brought forward
    assert_api_error(_me(created.plaintext), 401, "authentication_failed")
