"""/readyz and the demo-data banner reflect the GeoIP databases in use."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from geo.demo_db import write_demo_databases
from geo.health import check_geoip
from geo.mmdb_build import location_record
from tests.support.mmdb import write_anonymous_db, write_location_db

DAY = 86400


def real_looking(tmp_path: Path, *, age_days: int) -> tuple[Path, Path]:
    epoch = int(time.time()) - age_days * DAY
    city = write_location_db(
        tmp_path / "GeoIP2-City.mmdb",
        {"192.0.2.0/24": location_record(country="US")},
        build_epoch=epoch,
    )
    anonymous = write_anonymous_db(tmp_path / "GeoIP2-Anonymous-IP.mmdb", {}, build_epoch=epoch)
    return city, anonymous


def configure(settings: Settings, city: Path | str | None, anonymous: Path | str | None) -> None:
    settings.IDV_GEOIP_CITY_DB = None if city is None else str(city)
    settings.IDV_GEOIP_ANONYMOUS_DB = None if anonymous is None else str(anonymous)
    settings.IDV_GEOIP_MAX_AGE_DAYS = 35


def test_fresh_databases_are_ok_and_named_with_their_build_dates(
    tmp_path: Path, settings: Settings
) -> None:
    configure(settings, *real_looking(tmp_path, age_days=3))
    result = check_geoip()
    assert result.status == "ok"
    assert "GeoIP2-City built" in result.message
    assert "GeoIP2-Anonymous-IP built" in result.message
    assert result.details["city"]["age_days"] == 3  # type: ignore[index]


def test_an_old_database_warns(tmp_path: Path, settings: Settings) -> None:
    configure(settings, *real_looking(tmp_path, age_days=40))
    result = check_geoip()
    assert result.status == "warn"
    assert "age limit 35 days" in result.message


def test_a_missing_location_database_fails(tmp_path: Path, settings: Settings) -> None:
    configure(settings, tmp_path / "missing.mmdb", None)
    result = check_geoip()
    assert result.status == "fail"
    assert "unavailable" in result.message


def test_an_unreadable_location_database_fails(tmp_path: Path, settings: Settings) -> None:
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a database")
    configure(settings, broken, None)
    assert check_geoip().status == "fail"


def test_a_missing_anonymiser_database_only_warns(tmp_path: Path, settings: Settings) -> None:
    city, _ = real_looking(tmp_path, age_days=1)
    configure(settings, city, tmp_path / "absent.mmdb")
    result = check_geoip()
    assert result.status == "warn"
    assert "anonymiser database is unavailable" in result.message


def test_no_anonymiser_database_is_ok_but_said(tmp_path: Path, settings: Settings) -> None:
    city, _ = real_looking(tmp_path, age_days=1)
    configure(settings, city, None)
    result = check_geoip()
    assert result.status == "ok"
    assert "VPNs and proxies are not detected" in result.message


def test_demo_data_warns(tmp_path: Path, settings: Settings) -> None:
    demo = write_demo_databases(tmp_path)
    configure(settings, demo.city, demo.anonymous)
    result = check_geoip()
    assert result.status == "warn"
    assert "demo data" in result.message


@pytest.mark.django_db
def test_readyz_reports_the_geoip_check(client: Client, tmp_path: Path, settings: Settings) -> None:
    configure(settings, tmp_path / "missing.mmdb", None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["geoip"]["status"] == "fail"


@pytest.mark.django_db
def test_pages_show_a_banner_while_geo_data_is_demo_data(
    client: Client, tmp_path: Path, settings: Settings
) -> None:
    demo = write_demo_databases(tmp_path / "demo")
    configure(settings, demo.city, demo.anonymous)
    assert "Demo location data" in client.get("/").content.decode()
    configure(settings, *real_looking(tmp_path, age_days=1))
    assert "Demo location data" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_quick_start_says_demo_once(client: Client, tmp_path: Path, settings: Settings) -> None:
    demo = write_demo_databases(tmp_path / "demo")
    configure(settings, demo.city, demo.anonymous)
    settings.QUICKSTART = True
    page = client.get("/").content.decode()
    assert page.count('class="banner banner-demo') == 1
    assert "location data are made up" in page
