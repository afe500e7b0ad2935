"""Personal access tokens: shown once, stored hashed, refused when revoked or expired."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import api_keys
from accounts.models import ApiKey, User
from accounts.services.api_keys import api_key_create, api_key_revoke, api_keys_prune
from audit.models import AuditEvent
from tests.support.api import assert_api_error
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_a_created_key_is_shown_once_and_only_its_digest_is_stored(owner: User) -> None:
    client = APIClient()
    client.force_authenticate(owner)
    response = client.post("/api/v1/api-keys", {"name": "deploy bot"}, format="json")
    assert response.status_code == 201
    key = response.json()["key"]
    assert api_keys.is_well_formed(key)
    assert response["Cache-Control"].startswith("max-age=0")

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apikey")
        stored = repr(cursor.fetchall())
    assert key not in stored
    assert key[len(api_keys.PREFIX) + 4 :] not in stored

    listed = client.get("/api/v1/api-keys").json()
    assert [k["name"] for k in listed] == ["deploy bot"]
    assert "key" not in listed[0]
    assert AuditEvent.objects.filter(action="api_key.created").count() == 1


def test_the_key_authenticates_as_its_owner(owner: User) -> None:
    key = api_key_create(user=owner, name="k").plaintext
    response = _bearer(key).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["id"] == str(owner.public_id)
    assert ApiKey.objects.get().last_used_at is not None


def test_revoked_expired_and_deactivated_keys_are_refused(owner: User) -> None:
    revoked = api_key_create(user=owner, name="a")
    api_key_revoke(user=owner, key_public_id=str(revoked.api_key.public_id))
    assert_api_error(_bearer(revoked.plaintext).get("/api/v1/me"), 401, "authentication_failed")

    expired = api_key_create(user=owner, name="b", expires_at=timezone.now() + timedelta(seconds=1))
    ApiKey.objects.filter(pk=expired.api_key.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert_api_error(_bearer(expired.plaintext).get("/api/v1/me"), 401, "authentication_failed")

    live = api_key_create(user=owner, name="c")
    owner.is_active = False
    owner.save()
    assert_api_error(_bearer(live.plaintext).get("/api/v1/me"), 401, "authentication_failed")


def test_a_key_with_a_wrong_checksum_is_refused_without_a_query(
    owner: User, django_assert_num_queries: Any
) -> None:
    key = api_key_create(user=owner, name="k").plaintext
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert not api_keys.is_well_formed(tampered)
    with django_assert_num_queries(0):
        response = _bearer(tampered).get("/api/v1/me")
    assert_api_error(response, 401, "authentication_failed")


def test_guessing_keys_is_throttled(settings: object) -> None:
    settings.IDV_AUTH_FAILURES_PER_MINUTE = 5  # type: ignore[attr-defined]
    guess = _bearer("idv_pat_" + "x" * 36)
    for _ in range(5):
        assert guess.get("/api/v1/me").status_code == 401
    assert_api_error(guess.get("/api/v1/me"), 429, "throttled")


def test_you_cannot_revoke_someone_elses_key(owner: User, teammate: User) -> None:
    key = api_key_create(user=owner, name="owner's").api_key
    client = APIClient()
    client.force_authenticate(teammate)
    assert_api_error(client.delete(f"/api/v1/api-keys/{key.public_id}"), 404, "not_found")
    key.refresh_from_db()
    assert key.revoked_at is None


def test_the_command_prints_only_the_key(owner: User) -> None:
    out = StringIO()
    call_command("create_api_key", owner.email.upper(), "--name", "script", stdout=out)
    printed = out.getvalue().strip()
    assert api_keys.is_well_formed(printed)
    assert _bearer(printed).get("/api/v1/me").status_code == 200


def test_the_command_explains_an_unknown_email() -> None:
    with pytest.raises(CommandError, match=r"No user with the email address 'nobody@example\.com'"):
        call_command("create_api_key", "nobody@example.com", stdout=StringIO())


def test_the_account_page_creates_and_revokes_keys(client: Client, owner: User) -> None:
    sign_in_with_second_factor(client, owner)
    response = client.post("/account/api-keys/", {"name": "laptop", "expires_in_days": "30"})
    assert response.status_code == 200
    key = ApiKey.objects.get(user=owner)
    html = response.content.decode()
    assert "Copy it now" in html
    assert "no-store" in response["Cache-Control"]
    shown = html.split('id="new-key">')[1].split("<")[0]
    assert _bearer(shown).get("/api/v1/me").status_code == 200
    # Reloading the page never shows it again.
    assert shown not in client.get("/account/").content.decode()

    response = client.post(f"/account/api-keys/{key.public_id}/revoke", follow=True)
    assert "is revoked" in response.content.decode()
    assert _bearer(shown).get("/api/v1/me").status_code == 401


def test_the_account_page_explains_a_missing_name(client: Client, owner: User) -> None:
    sign_in_with_second_factor(client, owner)
    response = client.post("/account/api-keys/", {"name": "", "expires_in_days": "30"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_name"' in html


def test_pruning_removes_long_revoked_keys_only(owner: User) -> None:
    old = api_key_create(user=owner, name="old").api_key
    recent = api_key_create(user=owner, name="recent").api_key
    ApiKey.objects.filter(pk=old.pk).update(revoked_at=timezone.now() - timedelta(days=100))
    ApiKey.objects.filter(pk=recent.pk).update(revoked_at=timezone.now() - timedelta(days=1))
    assert api_keys_prune() == 1
    assert api_keys_prune() == 0
    assert list(ApiKey.objects.values_list("name", flat=True)) == ["recent"]


def test_no_expiry_is_null_in_json_and_a_left_out_field_in_a_form(stranger: User) -> None:
    client = APIClient()
    client.force_authenticate(stranger)
    never = client.post("/api/v1/api-keys", {"name": "bot", "expires_at": None}, format="json")
    assert never.status_code == 201, never.content
    assert never.json()["expires_at"] is None
    omitted = client.post("/api/v1/api-keys", {"name": "bot2"}, format="multipart")
    assert omitted.status_code == 201, omitted.content
    assert omitted.json()["expires_at"] is None
    blank = client.post("/api/v1/api-keys", {"name": "bot3", "expires_at": ""}, format="multipart")
    assert_api_error(blank, 400, "invalid", field="expires_at")
