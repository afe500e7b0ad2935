"""Signals for a Django request: trusted proxies and the configured databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from geo.demo_db import write_demo_databases
from geo.selectors import request_signals


@pytest.fixture
def demo_settings(tmp_path: Path, settings: Settings) -> Settings:
    databases = write_demo_databases(tmp_path)
    settings.IDV_GEOIP_CITY_DB = str(databases.city)
    settings.IDV_GEOIP_ANONYMOUS_DB = str(databases.anonymous)
    settings.IDV_TRUSTED_PROXIES = ["10.0.0.0/8"]
    return settings


def test_a_request_through_a_trusted_proxy_is_placed_by_the_forwarded_address(
    demo_settings: Settings, rf: RequestFactory
) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.33")
    signals = request_signals(request)
    assert (str(signals.ip), signals.subdivisions) == ("192.0.2.33", ("UA-43",))


def test_a_direct_request_cannot_choose_its_place_with_the_header(
    demo_settings: Settings, rf: RequestFactory
) -> None:
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="192.0.2.33")
    signals = request_signals(request)
    assert (str(signals.ip), signals.country, signals.subdivisions) == (
        "192.0.2.1",
        "US",
        ("US-CA",),
    )


def test_a_missing_database_gives_unavailable_signals_not_an_error(
    demo_settings: Settings, rf: RequestFactory, tmp_path: Path
) -> None:
    demo_settings.IDV_GEOIP_CITY_DB = str(tmp_path / "missing.mmdb")
    signals = request_signals(rf.get("/", REMOTE_ADDR="192.0.2.1"))
    assert signals.status == "unavailable"


def test_a_bad_trusted_proxy_setting_stops_start_up(settings: Settings) -> None:
    settings.IDV_TRUSTED_PROXIES = ["10.0.0.0/8", "10.0.0.1/33"]
    with pytest.raises(SystemCheckError, match=r"geo\.E001"):
        call_command("check")
