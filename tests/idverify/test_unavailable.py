"""A database error that means "down or restarting" is a 503 with Retry-After, wherever raised."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from idverify.celery import app as celery_app
from idverify.periodic import jobs_from_schedule, run_job
from idverify.unavailable import CODE, RETRY_AFTER_SECONDS
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db


def _down(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("connection refused: the database system is shutting down")


def test_an_api_view_whose_database_is_down_answers_json_503(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("accounts.authentication.ApiKeyAuthentication.authenticate", _down)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer idv_pat_x")
    error = assert_api_error(response, 503, CODE)
    assert error["retry_after"] == RETRY_AFTER_SECONDS
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_a_page_whose_database_is_down_answers_a_503_page(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def closed(*args: Any, **kwargs: Any) -> Any:
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("idverify.views.render", closed)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert b"Back in a moment" in response.content


def test_a_middleware_meeting_a_dead_database_still_gives_503_not_500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Outside any view: Django turns it into its 500 handler's answer, which tells them apart.
    monkeypatch.setattr("accounts.second_factor.middleware.SecondFactorMiddleware.__call__", _down)
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/tiers")
    assert_api_error(response, 503, CODE)
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    page = client.get("/")
    assert page.status_code == 503
    assert b"Back in a moment" in page.content


def test_other_database_errors_stay_500s(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import IntegrityError

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise IntegrityError("a bug, not an outage")

    monkeypatch.setattr("accounts.authentication.ApiKeyAuthentication.authenticate", broken)
    quiet = Client(raise_request_exception=False)
    response = quiet.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer idv_pat_x")
    assert_api_error(response, 500, "server_error")


@celery_app.task(name="tests.periodic_database_down")
def _periodic_database_down() -> None:
    raise OperationalError("the database system is shutting down")


def test_a_periodic_job_meeting_an_outage_is_a_warning_not_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    [job] = jobs_from_schedule({"down": {"task": "tests.periodic_database_down", "schedule": 60.0}})
    with caplog.at_level(logging.WARNING, logger="idverify.periodic"):
        assert run_job(job) is False
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "database is unavailable" in record.getMessage()
    assert record.exc_info is None
