"""The database failing under a request is a 503 with Retry-After, told once in the logs.

In process, with the failure injected where it would surface; the real thing (a
PostgreSQL server stopped and started under load) is test_database_restart.py.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from accounts.models import User
from entitlements import publication
from entitlements.services.keys import signing_keys_rotate
from idverify import db_outage
from tests.entitlements.support import tier
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_outage_state() -> Iterator[None]:
    db_outage.outage.succeeded()
    publication.forget_cached()
    yield
    db_outage.outage.succeeded()
    publication.forget_cached()


def _gone(*args: object, **kwargs: object) -> None:
    raise OperationalError("consuming input failed: server closed the connection unexpectedly")


def test_an_api_call_meeting_a_lost_database_gets_a_json_503_with_retry_after(
    client: Client, stranger: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts import apis

    monkeypatch.setattr(apis.MeApi, "get", _gone)
    client.force_login(stranger)
    response = client.get("/api/v1/me")
    error = assert_api_error(response, 503, "unavailable")
    assert "database" in error["message"]
    assert response["Retry-After"] == str(db_outage.RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"


def test_a_closed_connection_is_a_503_too(
    client: Client, stranger: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts import apis

    def closed(*args: object, **kwargs: object) -> None:
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(apis.MeApi, "get", closed)
    client.force_login(stranger)
    assert_api_error(client.get("/api/v1/me"), 503, "unavailable")


@pytest.mark.urls("tests.idverify.error_urls")
def test_a_page_meeting_a_lost_database_is_the_styled_503_page(stranger: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(stranger)
    response = client.get("/database-gone/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"].isdigit()
    html = response.content.decode()
    assert "Temporarily unavailable" in html
    assert 'href="/static/idverify/site.css"' in html
    assert 'href="/">Go to the home page</a>' in html


def test_the_database_failing_inside_a_middleware_is_a_503_not_a_500(
    stranger: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The session is read by the second-factor middleware, before any view runs.
    from django.contrib.sessions.backends.db import SessionStore

    client = Client(raise_request_exception=False)
    client.force_login(stranger)
    monkeypatch.setattr(SessionStore, "load", _gone)
    page = client.get("/account/")
    assert page.status_code == 503
    assert "Temporarily unavailable" in page.content.decode()
    api = client.get("/api/v1/me")
    assert_api_error(api, 503, "unavailable")
    assert api["Retry-After"].isdigit()


def test_an_outage_is_logged_once_not_once_per_request(
    client: Client,
    stranger: User,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from accounts import apis

    monkeypatch.setattr(apis.MeApi, "get", _gone)
    client.force_login(stranger)
    caplog.set_level(logging.INFO)
    for _ in range(20):
        assert client.get("/api/v1/me").status_code == 503
    told = [r for r in caplog.records if r.name == "idverify.degraded"]
    assert len(told) == 1
    assert "database" in told[0].getMessage()
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_connections_wait_a_bounded_time_and_statements_are_cut_off() -> None:
    options = connection.settings_dict["OPTIONS"]
    assert options["connect_timeout"] == 3
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("30s",)


def test_a_statement_past_the_timeout_is_an_outage_not_a_bug() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        with pytest.raises(OperationalError) as raised:
            cursor.execute("SELECT pg_sleep(1)")
    assert db_outage.is_database_outage(raised.value)


def test_verifiers_keep_getting_the_signed_copy_while_it_lasts_then_a_503(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    tier("fable-5")
    signing_keys_rotate()
    first = client.get("/api/v1/revocations")
    keys = client.get("/.well-known/jwks.json")
    held, held_keys = publication._document, publication._keys
    assert held is not None
    assert held_keys is not None
    # Past its renewal time, so this process must ask the database, which is gone.
    publication._document = replace(held, renew_at=0.0)
    publication._keys = replace(held_keys, recheck_at=0.0)
    monkeypatch.setattr(publication, "active_signer", _gone)
    monkeypatch.setattr(publication, "published_keys", _gone)
    same = client.get("/api/v1/revocations")
    assert same.status_code == 200
    assert same.content == first.content
    assert client.get("/.well-known/jwks.json").content == keys.content

    publication._document = replace(held, renew_at=0.0, expires_at=int(time.time()) - 1)
    expired = client.get("/api/v1/revocations")
    assert expired.status_code == 503
    assert expired["Retry-After"].isdigit()
    assert json.loads(expired.content)["error"]["code"] == "unavailable"
