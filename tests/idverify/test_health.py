from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from idverify import health
from idverify.health import CheckResult

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signing_key() -> None:
    """A ready service has a token signing key (its absence is tested in tests/entitlements)."""
    from entitlements.services.keys import signing_keys_rotate

    signing_keys_rotate()


@pytest.fixture
def extra_check() -> Iterator[None]:
    before = health.registered_checks()
    yield
    health._checks.clear()
    health._checks.update(before)


def test_healthz_answers_without_touching_anything(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_refuses_other_methods_with_json(client: Client) -> None:
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_readyz_reports_the_database(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"


def test_readyz_names_the_check_that_failed(client: Client, extra_check: None) -> None:
    health.readiness_check("signing_key")(lambda: CheckResult("fail", "No active signing key."))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["signing_key"] == {"status": "fail", "message": "No active signing key."}
    assert body["checks"]["database"]["status"] == "ok"


def test_a_warning_keeps_the_service_ready(client: Client, extra_check: None) -> None:
    health.readiness_check("geoip")(lambda: CheckResult("warn", "GeoIP data is 40 days old."))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["geoip"]["status"] == "warn"


def test_a_crashing_check_fails_readiness_instead_of_a_500(
    client: Client, extra_check: None
) -> None:
    def crash() -> CheckResult:
        raise OSError("disk on fire")

    health.readiness_check("broken")(crash)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broken"]["status"] == "fail"
    assert "disk on fire" not in response.content.decode()


def test_an_unreachable_database_fails_readiness(
    extra_check: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError, connection

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    result = health.check_database()
    assert result.status == "fail"
    assert "unreachable" in result.message
