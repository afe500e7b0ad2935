"""Rows of several tables in one statement (PostgreSQL), all or nothing."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Organization, RosterEntry
from idverify import db_writes

pytestmark = pytest.mark.django_db


def test_rows_of_several_tables_that_name_each_other_go_in_one_statement() -> None:
    org_id, *_ = db_writes.reserve_ids([Organization])
    first, second = db_writes.reserve_ids([RosterEntry, RosterEntry])
    assert second > first
    org = Organization(pk=org_id, legal_name="Acme", status="verified")
    entries = [
        RosterEntry(pk=first, organization=org, email="a@example.com", given_name="A"),
        RosterEntry(pk=second, organization=org, email="b@example.com", given_name="B"),
        # No id of its own: the table's identity default gives it one.
        RosterEntry(organization=org, email="c@example.com", given_name="C"),
    ]
    with CaptureQueriesContext(connection) as queries:
        db_writes.insert_together([*entries[:2], org, entries[2]])
    assert len(queries.captured_queries) == 1
    assert queries.captured_queries[0]["sql"].startswith("WITH w0 AS (INSERT INTO")
    stored = RosterEntry.objects.filter(organization_id=org_id).order_by("email")
    assert [(e.email, e.given_name) for e in stored] == [
        ("a@example.com", "A"),
        ("b@example.com", "B"),
        ("c@example.com", "C"),
    ]
    assert [e.pk for e in stored[:2]] == [first, second]
    assert Organization.objects.get(pk=org_id).legal_name == "Acme"
    assert not org._state.adding  # usable as a saved instance afterwards
    assert org._state.db == "default"


def test_a_failing_row_takes_the_whole_statement_with_it() -> None:
    org_id, entry_id = db_writes.reserve_ids([Organization, RosterEntry])
    org = Organization(pk=org_id, legal_name="Acme", status="verified")
    now = timezone.now()
    rows = [
        org,
        RosterEntry(pk=entry_id, organization=org, email="a@example.com", created_at=now),
        RosterEntry(organization=org, email="a@example.com", created_at=now),  # duplicate
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        db_writes.insert_together(rows)
    assert not Organization.objects.filter(pk=org_id).exists()
    assert not RosterEntry.objects.exists()


def test_nothing_to_write_sends_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        db_writes.insert_together([])
        assert db_writes.reserve_ids([]) == []
    assert not queries.captured_queries
    assert db_writes.supported()


def test_ids_come_a_block_at_a_time_from_the_sequence() -> None:
    db_writes._forget_free_ids()
    with CaptureQueriesContext(connection) as queries:
        ids = [
            db_writes.reserve_ids([Organization, RosterEntry]) for _ in range(db_writes.ID_BLOCK)
        ]
    assert len(queries.captured_queries) == 1  # one block covers them all
    orgs, entries = zip(*ids, strict=True)
    assert list(orgs) == sorted(set(orgs))
    assert list(entries) == sorted(set(entries))
    with CaptureQueriesContext(connection) as queries:
        (next_org,) = db_writes.reserve_ids([Organization])
    assert len(queries.captured_queries) == 1  # the block ran out
    assert next_org > orgs[-1]
    # The sequence itself has moved past every id handed out, so rows saved the
    # ordinary way never collide with reserved ones.
    saved = Organization.objects.create(legal_name="Plain", status="verified")
    assert saved.pk > next_org


def test_threads_never_get_the_same_id() -> None:
    db_writes._forget_free_ids()
    found: list[int] = []

    def take() -> None:
        try:
            for _ in range(50):
                found.extend(db_writes.reserve_ids([RosterEntry, RosterEntry]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 400
    assert len(set(found)) == 400


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_does_not_reuse_its_parents_ids() -> None:
    db_writes._forget_free_ids()
    db_writes.reserve_ids([Organization])  # the parent now holds most of a block
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report whether it inherited free ids, and leave
        os.close(read)
        os.write(write, str(len(db_writes._free_ids)).encode())
        os._exit(0)
    os.close(write)
    inherited = os.read(read, 32).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert inherited == "0"
    assert db_writes._free_ids  # the parent keeps its own
