"""What empties the database after a test that commits (tests/support/flush.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_flush_empties_every_table_the_append_only_audit_log_included() -> None:
    UserFactory.create()
    audit_record(action="test.flush", actor=None)

    call_command("flush", interactive=False, verbosity=0)

    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_rows_are_deleted_and_only_a_table_that_refuses_delete_is_truncated() -> None:
    statements = connection.ops.sql_flush(no_style(), ["accounts_user", "audit_auditevent"])

    assert statements == ['DELETE FROM "accounts_user";', 'TRUNCATE "audit_auditevent";']


def test_a_flush_that_resets_sequences_keeps_djangos_truncate() -> None:
    statements = connection.ops.sql_flush(no_style(), ["accounts_user"], reset_sequences=True)

    assert statements == ['TRUNCATE "accounts_user" RESTART IDENTITY;']
