"""Voiding people's tokens is cheap and batched; the document still says so within one poll.

``users_tokens_void`` writes cutoffs and voids tokens in one INSERT and one
UPDATE, without the document lock; the next read of the revocation document
publishes every waiting cutoff under one new serial.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from entitlements import jws
from entitlements.models import IssuedToken, RevocationState, UserRevocation
from entitlements.services.revocations import (
    revocation_document_resign,
    revocations_awaiting_publication,
    users_tokens_void,
)
from entitlements.services.tokens import token_issue
from tests.entitlements.support import person, signals, tier

pytestmark = pytest.mark.django_db


def _served(client: Client) -> dict[str, object]:
    response = client.get("/api/v1/revocations")
    assert response.status_code == 200
    payload: dict[str, object] = json.loads(
        jws.b64url_decode(response.content.decode().split(".")[1])
    )
    return payload


def test_many_voids_cost_a_fixed_number_of_statements_and_one_serial(client: Client) -> None:
    fable = tier("fable-5")
    people = [person(2) for _ in range(5)]
    jtis = [
        str(token_issue(user=p, tier=fable, signals=signals()).claims["jti"])  # type: ignore[index]
        for p in people
    ]
    before = _served(client)["serial"]
    with CaptureQueriesContext(connection) as few:
        users_tokens_void(users=people[:1], reason="Left the company")
    with CaptureQueriesContext(connection) as many:
        users_tokens_void(users=people[1:], reason="Left the company")
    # The same statements for one person as for four: no per-person or per-token work.
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not any("revocationstate" in q["sql"].lower() for q in many.captured_queries)
    assert RevocationState.objects.get().serial == before
    assert IssuedToken.objects.filter(jti__in=jtis, revoked_at__isnull=False).count() == 5
    assert revocations_awaiting_publication()

    payload = _served(client)
    assert isinstance(payload["serial"], int)
    assert isinstance(before, int)
    assert payload["serial"] > before
    users = payload["users"]
    assert isinstance(users, dict)
    assert {str(p.public_id) for p in people} <= set(users)
    assert not revocations_awaiting_publication()
    # Read again: nothing waits, the same document.
    assert _served(client)["serial"] == payload["serial"]


def test_the_heartbeat_publishes_waiting_cutoffs_too(client: Client) -> None:
    tier("fable-5")
    user = person(2)
    users_tokens_void(users=[user], reason="Sponsorship revoked")
    state = revocation_document_resign(unless_valid_for=None)
    assert str(user.public_id) in state.users
    assert not UserRevocation.objects.filter(awaiting_publication=True).exists()


def test_a_cutoff_written_after_a_publication_waits_for_the_next(client: Client) -> None:
    tier("fable-5")
    first, second = person(2), person(2)
    users_tokens_void(users=[first], reason="Left")
    published = _served(client)
    users_tokens_void(users=[second], reason="Left")
    users = _served(client)["users"]
    assert isinstance(users, dict)
    assert str(second.public_id) in users
    assert str(first.public_id) in users
    assert _served(client)["serial"] != published["serial"]
