"""Recording the geo signals a decision was made on."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.addresses import parse_ip
from geo.demo_db import write_demo_databases
from geo.location_signals import SIGNAL_NOT_PROOF, GeoSignals
from geo.models import GeoSignal
from geo.places import evaluate
from geo.readers import MaxMindGeoReader
from geo.selectors import embargoed_place_rules
from geo.services import geosignal_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]


def crimea_signals(tmp_path: Path) -> GeoSignals:
    databases = write_demo_databases(tmp_path)
    return MaxMindGeoReader(databases.city, databases.anonymous).lookup(parse_ip("192.0.2.33"))


def test_a_record_keeps_the_address_signals_verdict_and_build_dates(tmp_path: Path) -> None:
    signals = crimea_signals(tmp_path)
    evaluation = evaluate(
        signals, blocked_places=embargoed_place_rules(), anonymizers_allowed=False, fail_closed=True
    )
    record = geosignal_record(
        signals=signals, evaluation=evaluation, purpose=GeoSignal.Purpose.ATTESTATION
    )
    record.refresh_from_db()
    assert record.ip == "192.0.2.33"
    assert record.purpose == "attestation"
    assert record.allowed is False
    assert record.signals["subdivisions"] == ["UA-43"]
    assert record.evaluation["reasons"][0]["code"] == "geo.embargoed_region"
    assert signals.city_database is not None
    assert record.city_db_build_date == signals.city_database.build_date
    assert record.anonymous_db_build_date is not None
    assert record.demo_data is True
    assert record.note == SIGNAL_NOT_PROOF


def test_a_request_without_an_address_is_recorded_too(tmp_path: Path) -> None:
    signals = MaxMindGeoReader(None).lookup(None)
    evaluation = evaluate(signals, blocked_places=[], anonymizers_allowed=False, fail_closed=True)
    record = geosignal_record(signals=signals, evaluation=evaluation, purpose="token")
    assert (record.ip, record.allowed, record.city_db_build_date) == (None, False, None)


@pytest.mark.parametrize("purpose", ["", "   ", "x" * 41])
def test_a_purpose_must_be_a_short_label(tmp_path: Path, purpose: str) -> None:
    signals = MaxMindGeoReader(None).lookup(None)
    evaluation = evaluate(signals, blocked_places=[], anonymizers_allowed=False, fail_closed=True)
    with pytest.raises(ValueError, match="purpose"):
        geosignal_record(signals=signals, evaluation=evaluation, purpose=purpose)
    assert not GeoSignal.objects.exists()
