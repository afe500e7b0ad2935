"""API keys of privileged people: made only from a session that passed the second factor,
and short-lived (IDV_PRIVILEGED_API_KEY_DAYS), older keys included."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey, Membership, Organization, User
from accounts.services.api_keys import api_key_create, api_key_mark_used
from audit.models import AuditEvent
from tests.support.api import assert_api_error
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def _days_left(key: ApiKey) -> float:
    assert key.expires_at is not None
    return (key.expires_at - timezone.now()) / timedelta(days=1)


def test_a_privileged_persons_key_cannot_make_another_key(owner: User, teammate: User) -> None:
    officer_key = api_key_create(user=owner, name="script").plaintext
    refused = _bearer(officer_key).post("/api/v1/api-keys", {"name": "more"}, format="json")
    error = assert_api_error(refused, 403, "mfa_required")
    assert error["url"] == "/account/"
    assert ApiKey.objects.filter(user=owner).count() == 1
    # Anyone else's key still may (a plain member has no second factor to protect).
    member_key = api_key_create(user=teammate, name="script").plaintext
    made = _bearer(member_key).post("/api/v1/api-keys", {"name": "more"}, format="json")
    assert made.status_code == 201


def test_a_privileged_persons_key_expires_after_the_configured_days(
    officer: User, teammate: User, settings: Any
) -> None:
    assert 89.9 < _days_left(api_key_create(user=officer, name="a").api_key) <= 90
    settings.IDV_PRIVILEGED_API_KEY_DAYS = 7
    assert 6.9 < _days_left(api_key_create(user=officer, name="b").api_key) <= 7
    assert api_key_create(user=teammate, name="c").api_key.expires_at is None


def test_asking_for_a_later_expiry_is_refused_with_the_reason(client: Client, owner: User) -> None:
    sign_in_with_second_factor(client, owner)
    later = (timezone.now() + timedelta(days=365)).isoformat()
    response = client.post(
        "/api/v1/api-keys", {"name": "x", "expires_at": later}, content_type="application/json"
    )
    error = assert_api_error(response, 400, "invalid", field="expires_at")
    assert "within 90 days" in error["fields"]["expires_at"][0]
    assert not ApiKey.objects.filter(user=owner).exists()
    # The account page offers only lifetimes within the limit, and none "never".
    page = client.get("/account/").content.decode()
    assert "in 90 days" in page
    assert "in a year" not in page
    assert '<option value="0"' not in page
    forged = client.post("/account/api-keys/", {"name": "x", "expires_in_days": "0"})
    assert forged.status_code == 400
    assert not ApiKey.objects.filter(user=owner).exists()


def test_an_older_key_without_expiry_gets_one_at_its_next_use(officer: User) -> None:
    plaintext = api_key_create(user=officer, name="old").plaintext
    ApiKey.objects.filter(user=officer).update(expires_at=None)  # as keys made before the rule
    assert _bearer(plaintext).get("/api/v1/me").status_code == 200
    key = ApiKey.objects.get(user=officer)
    assert 89.9 < _days_left(key) <= 90
    event = AuditEvent.objects.get(action="api_key.expiry_limited")
    assert event.subject_id == str(key.public_id)


def test_an_expiry_is_limited_once_though_two_processes_hold_the_older_copy(
    officer: User,
) -> None:
    created = api_key_create(user=officer, name="old")
    ApiKey.objects.filter(user=officer).update(expires_at=None)  # as keys made before the rule
    # Two processes each hold the key as it was read before either used it.
    first, second = (ApiKey.objects.select_related("user").get(user=officer) for _ in range(2))
    now = timezone.now()
    api_key_mark_used(key=first, now=now)
    api_key_mark_used(key=second, now=now + timedelta(seconds=3))
    assert AuditEvent.objects.filter(action="api_key.expiry_limited").count() == 1
    stored = ApiKey.objects.get(pk=created.api_key.pk)
    assert stored.expires_at == first.expires_at  # the first limit stands, not pushed on
    assert stored.last_used_at == now + timedelta(seconds=3)


def test_a_key_made_before_its_owner_became_an_admin_is_limited_at_its_next_use(
    teammate: User, org: Organization
) -> None:
    plaintext = api_key_create(
        user=teammate, name="ci", expires_at=timezone.now() + timedelta(days=365)
    ).plaintext
    Membership.objects.filter(user=teammate).update(role=Membership.Role.ORG_ADMIN)
    assert _bearer(plaintext).get("/api/v1/me").status_code == 200
    assert 89.9 < _days_left(ApiKey.objects.get(user=teammate)) <= 90


def test_a_privileged_persons_key_stops_working_when_it_expires(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = api_key_create(user=owner, name="script")
    assert _bearer(created.plaintext).get("/api/v1/me").status_code == 200
    # The process still holds the key it just read: its expiry is checked on that copy.
    expires_at = created.api_key.expires_at
    assert expires_at is not None
    monkeypatch.setattr(timezone, "now", lambda: expires_at + timedelta(seconds=1))
    assert_api_error(_bearer(created.plaintext).get("/api/v1/me"), 401, "authentication_failed")


def test_the_command_gives_a_privileged_person_a_limited_key(officer: User) -> None:
    out = StringIO()
    call_command("create_api_key", officer.email, stdout=out)
    assert 89.9 < _days_left(ApiKey.objects.get(user=officer)) <= 90
    with pytest.raises(CommandError, match="within 90 days"):
        call_command("create_api_key", officer.email, "--expires-in-days", "365", stdout=out)
