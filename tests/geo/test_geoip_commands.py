"""manage.py geoip_demo_db and geoip_lookup, as an operator runs them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]


@pytest.fixture
def demo(tmp_path: Path, settings: Settings) -> Path:
    out = StringIO()
    call_command("geoip_demo_db", str(tmp_path / "geoip"), stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines() if "=" in line)
    settings.IDV_GEOIP_CITY_DB = lines["IDV_GEOIP_CITY_DB"]
    settings.IDV_GEOIP_ANONYMOUS_DB = lines["IDV_GEOIP_ANONYMOUS_DB"]
    settings.IDV_GEO_ALLOW_LOCAL = False
    return tmp_path / "geoip"


def lookup(*args: str) -> str:
    out = StringIO()
    call_command("geoip_lookup", *args, stdout=out)
    return out.getvalue()


def test_the_demo_command_writes_both_databases(demo: Path) -> None:
    assert sorted(p.name for p in demo.iterdir()) == ["demo-anonymous-ip.mmdb", "demo-city.mmdb"]


def test_the_demo_command_help_explains_the_demo_addresses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        call_command("geoip_demo_db", "--help")
    help_text = capsys.readouterr().out
    assert "192.0.2.33" in help_text
    assert "Crimea UA-43" in help_text
    assert "198.51.100.1 " in help_text


def test_json_lookup_gives_signals_and_policy_per_address(demo: Path) -> None:
    results = json.loads(lookup("192.0.2.33", "192.0.2.1", "198.51.100.1", "--json"))
    crimea, california, tor = results
    assert crimea["signals"]["subdivisions"] == ["UA-43"]
    assert crimea["evaluation"]["allowed"] is False
    assert crimea["evaluation"]["reasons"][0]["code"] == "geo.embargoed_region"
    assert california["evaluation"]["allowed"] is True
    assert tor["evaluation"]["reasons"][0]["detail"]["flags"] == [
        "is_anonymous",
        "is_tor_exit_node",
    ]
    assert crimea["signals"]["demo_data"] is True


def test_the_oblast_caveat_is_printed_with_the_denial(demo: Path) -> None:
    text = lookup("192.0.2.65")
    assert "DENIED" in text
    assert "geo.embargoed_region" in text
    assert "FAQ 1009" in text
    assert "signal, not proof" in text
    assert "DEMO DATA" in text


def test_tier_options_change_the_verdict_not_the_signals(demo: Path) -> None:
    strict = json.loads(lookup("198.51.100.17", "203.0.113.10", "--json"))
    relaxed = json.loads(
        lookup("198.51.100.17", "203.0.113.10", "--json", "--anonymizers-allowed", "--fail-open")
    )
    assert [r["evaluation"]["allowed"] for r in strict] == [False, False]
    assert [r["evaluation"]["allowed"] for r in relaxed] == [True, True]
    assert [r["signals"] for r in strict] == [r["signals"] for r in relaxed]


def test_host_names_are_refused_and_the_rest_still_answered(demo: Path) -> None:
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 2 inputs"):
        call_command("geoip_lookup", "localhost", "192.0.2.97", "--json", stdout=out)
    bad, cuba = json.loads(out.getvalue())
    assert bad == {"input": "localhost", "error": "not an IP address (host names are not resolved)"}
    assert cuba["signals"]["country"] == "CU"


def test_without_a_database_the_lookup_says_unavailable(settings: Settings, tmp_path: Path) -> None:
    settings.IDV_GEOIP_CITY_DB = str(tmp_path / "none.mmdb")
    settings.IDV_GEOIP_ANONYMOUS_DB = None
    (result,) = json.loads(lookup("192.0.2.1", "--json"))
    assert result["signals"]["status"] == "unavailable"
    assert result["evaluation"]["reasons"][0]["code"] == "geo.unavailable"


def test_the_quick_start_writes_the_demo_files_where_its_settings_look(
    settings: Settings, tmp_path: Path
) -> None:
    settings.QUICKSTART = True
    settings.IDV_GEOIP_CITY_DB = str(tmp_path / "var" / "geoip" / "demo-city.mmdb")
    settings.IDV_GEOIP_ANONYMOUS_DB = str(tmp_path / "var" / "geoip" / "demo-anonymous-ip.mmdb")
    call_command("geoip_demo_db", stdout=StringIO())
    assert (tmp_path / "var" / "geoip" / "demo-city.mmdb").is_file()
    assert (tmp_path / "var" / "geoip" / "demo-anonymous-ip.mmdb").is_file()


def test_without_a_directory_a_real_database_is_never_overwritten(
    settings: Settings, tmp_path: Path
) -> None:
    real = tmp_path / "GeoIP2-City.mmdb"
    real.write_bytes(b"real data")
    settings.QUICKSTART = True
    settings.IDV_GEOIP_CITY_DB = str(real)
    settings.IDV_GEOIP_ANONYMOUS_DB = str(tmp_path / "GeoIP2-Anonymous-IP.mmdb")
    with pytest.raises(CommandError, match="Give the directory"):
        call_command("geoip_demo_db", stdout=StringIO())
    assert real.read_bytes() == b"real data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["GeoIP2-City.mmdb"]
