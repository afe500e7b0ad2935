"""The places policy: what denies, what is only recorded, and why."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from ipaddress import IPv4Address
from typing import Any

import pytest

from geo.location_signals import DatabaseInfo, GeoSignals
from geo.places import PlaceRule, evaluate

FAQ_1009 = (
    "OFAC FAQ 1009: the sanctions cover the so-called DNR/LNR regions, not the "
    "whole oblast; blocking the oblast code over-blocks."
)
RULES = (
    PlaceRule("CU", "Cuba", regime="OFAC CACR; EAR", as_of=date(2026, 1, 1)),
    PlaceRule("IR", "Iran"),
    PlaceRule("KP", "North Korea"),
    PlaceRule("SY", "Syria", note="OFAC lifted most Syria sanctions on 2025-07-01; EAR applies."),
    PlaceRule("UA-43", "Crimea"),
    PlaceRule("UA-40", "Sevastopol"),
    PlaceRule("UA-14", "Donetsk oblast", note=FAQ_1009),
    PlaceRule("UA-09", "Luhansk oblast", note=FAQ_1009),
)
BUILT = datetime(2026, 1, 1, tzinfo=UTC)
CITY = DatabaseInfo("GeoIP2-City", "city", build_date=BUILT, demo=False)
COUNTRY_DB = DatabaseInfo("GeoIP2-Country", "country", build_date=BUILT, demo=False)


def found(country: str | None, *subdivisions: str, **fields: Any) -> GeoSignals:
    base = GeoSignals(
        ip=IPv4Address("192.0.2.1"),
        status="found",
        country=country,
        subdivisions=subdivisions,
        anonymous_status="unknown",
        city_database=CITY,
    )
    return replace(base, **fields)


def restricted(signals: GeoSignals, **options: bool) -> tuple[bool, list[str]]:
    settings = {"anonymizers_allowed": False, "fail_closed": True, **options}
    result = evaluate(signals, blocked_places=RULES, **settings)
    return result.allowed, [reason.code for reason in result.reasons]


def test_a_clean_address_is_allowed_without_reasons() -> None:
    assert restricted(found("US", "US-CA")) == (True, [])


def test_kyiv_is_not_blocked_by_the_ukrainian_region_rules() -> None:
    assert restricted(found("UA", "UA-30")) == (True, [])


@pytest.mark.parametrize("country", ["CU", "IR", "KP", "SY"])
def test_embargoed_countries_deny(country: str) -> None:
    assert restricted(found(country)) == (False, ["geo.embargoed_country"])


@pytest.mark.parametrize("region", ["UA-43", "UA-40", "UA-14", "UA-09"])
def test_embargoed_regions_deny(region: str) -> None:
    assert restricted(found("UA", region)) == (False, ["geo.embargoed_region"])


def test_an_oblast_match_records_the_over_blocking_caveat() -> None:
    result = evaluate(
        found("UA", "UA-14"), blocked_places=RULES, anonymizers_allowed=False, fail_closed=True
    )
    (match,) = result.matched
    assert (match.rule.code, match.via, match.rule.note) == ("UA-14", "subdivision", FAQ_1009)
    (reason,) = result.reasons
    assert reason.detail["note"] == FAQ_1009
    assert "Donetsk oblast" in reason.message


def test_the_match_records_its_regime_and_date() -> None:
    result = evaluate(found("CU"), blocked_places=RULES, anonymizers_allowed=True, fail_closed=True)
    assert result.reasons[0].detail["regime"] == "OFAC CACR; EAR"
    assert result.reasons[0].detail["as_of"] == "2026-01-01"


def test_embargoes_apply_even_to_tiers_that_fail_open() -> None:
    assert restricted(found("KP"), fail_closed=False)[0] is False


def test_a_country_no_longer_listed_is_allowed() -> None:
    rules = [rule for rule in RULES if rule.code != "SY"]
    result = evaluate(
        found("SY"), blocked_places=rules, anonymizers_allowed=False, fail_closed=True
    )
    assert result.allowed


def test_a_block_registered_in_an_embargoed_country_is_flagged_not_denied() -> None:
    allowed, codes = restricted(found("DE", registered_country="IR"))
    assert (allowed, codes) == (True, ["geo.embargoed_registered_country"])


def test_a_represented_embargoed_country_is_flagged_not_denied() -> None:
    result = evaluate(
        found("DE", represented_country="CU"),
        blocked_places=RULES,
        anonymizers_allowed=False,
        fail_closed=True,
    )
    assert result.allowed
    assert [(m.rule.code, m.via) for m in result.matched] == [("CU", "represented_country")]
    assert not result.reasons[0].blocking


def test_an_anonymiser_denies_and_names_its_flags() -> None:
    signals = found("US", is_anonymous=True, is_tor_exit_node=True, anonymous_status="found")
    result = evaluate(signals, blocked_places=RULES, anonymizers_allowed=False, fail_closed=True)
    assert not result.allowed
    (reason,) = result.reasons
    assert reason.code == "geo.anonymizer"
    assert reason.detail["flags"] == ["is_anonymous", "is_tor_exit_node"]


def test_an_anonymiser_is_recorded_but_allowed_where_the_tier_allows_them() -> None:
    signals = found("US", is_anonymous=True, is_anonymous_vpn=True, anonymous_status="found")
    result = evaluate(signals, blocked_places=RULES, anonymizers_allowed=True, fail_closed=True)
    assert result.allowed
    assert [(r.code, r.blocking) for r in result.reasons] == [("geo.anonymizer", False)]


def test_an_anonymiser_in_an_embargoed_place_gives_both_reasons() -> None:
    signals = found("UA", "UA-43", is_anonymous=True, is_hosting_provider=True)
    assert restricted(signals) == (False, ["geo.embargoed_region", "geo.anonymizer"])


@pytest.mark.parametrize(("fail_closed", "allowed"), [(True, False), (False, True)])
def test_an_unknown_address_follows_the_fail_closed_setting(
    fail_closed: bool, allowed: bool
) -> None:
    signals = GeoSignals(
        ip=IPv4Address("203.0.113.1"), status="unknown", anonymous_status="unknown"
    )
    assert restricted(signals, fail_closed=fail_closed) == (allowed, ["geo.unknown"])


def test_a_record_without_a_country_is_unknown() -> None:
    assert restricted(found(None, registered_country="US")) == (False, ["geo.unknown"])


def test_no_client_address_is_unknown_and_says_so() -> None:
    result = evaluate(
        GeoSignals(ip=None, status="unknown"),
        blocked_places=RULES,
        anonymizers_allowed=False,
        fail_closed=True,
    )
    assert [r.code for r in result.reasons] == ["geo.unknown"]
    assert "could not be determined" in result.reasons[0].message


@pytest.mark.parametrize(("fail_closed", "allowed"), [(True, False), (False, True)])
def test_an_unavailable_database_follows_the_fail_closed_setting(
    fail_closed: bool, allowed: bool
) -> None:
    signals = GeoSignals(
        ip=IPv4Address("192.0.2.1"), status="unavailable", anonymous_status="unknown"
    )
    assert restricted(signals, fail_closed=fail_closed) == (allowed, ["geo.unavailable"])


def test_local_addresses_deny_restricted_tiers_unless_local_access_is_allowed() -> None:
    signals = GeoSignals(ip=IPv4Address("127.0.0.1"), status="local")
    assert restricted(signals) == (False, ["geo.local"])
    assert restricted(signals, local_allowed=True) == (True, ["geo.local"])
    message = (
        evaluate(signals, blocked_places=RULES, anonymizers_allowed=False, fail_closed=True)
        .reasons[0]
        .message
    )
    assert "trusted-proxy" in message


def test_an_unavailable_anonymiser_database_denies_only_where_anonymisers_are_not_allowed() -> None:
    signals = found("US", anonymous_status="unavailable")
    assert restricted(signals) == (False, ["geo.unavailable"])
    assert restricted(signals, anonymizers_allowed=True) == (True, [])


def test_without_an_anonymiser_database_the_gap_is_recorded_not_denied() -> None:
    signals = found("US", anonymous_status="not_configured")
    assert restricted(signals) == (True, ["geo.anonymizer_unchecked"])


def test_a_country_only_database_cannot_rule_out_an_embargoed_region() -> None:
    signals = found("UA", city_database=COUNTRY_DB)
    allowed, codes = restricted(signals)
    assert (allowed, codes) == (False, ["geo.region_unresolved"])
    result = evaluate(signals, blocked_places=RULES, anonymizers_allowed=False, fail_closed=False)
    assert result.allowed
    assert result.reasons[0].detail["regions"] == ["UA-43", "UA-40", "UA-14", "UA-09"]


def test_an_evaluation_serialises_to_json() -> None:
    result = evaluate(
        found("UA", "UA-09", registered_country="IR", is_anonymous=True),
        blocked_places=RULES,
        anonymizers_allowed=False,
        fail_closed=True,
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert data["allowed"] is False
    assert [r["code"] for r in data["reasons"]] == [
        "geo.embargoed_registered_country",
        "geo.embargoed_region",
        "geo.anonymizer",
    ]
    assert data["matched"][1]["note"] == FAQ_1009


@pytest.mark.parametrize("code", ["", "ua", "UKR", "UA-", "UA-1234", "UA 43", "U1"])
def test_place_codes_must_be_iso_3166(code: str) -> None:
    with pytest.raises(ValueError, match="ISO 3166"):
        PlaceRule(code, "x")
