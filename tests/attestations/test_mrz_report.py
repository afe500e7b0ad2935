"""The JSON report (for mrz_check and the API) and the operator-replaceable rule table."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from attestations.mrz import (
    Claim,
    DocumentRulesError,
    DocumentType,
    Status,
    check_claim,
    default_document_rules,
    document_supports_status,
    mrz_check_report,
    mrz_report,
    parse_document_rules,
    parse_mrz,
)
from tests.support.document_images import ICAO_TD1, ICAO_TD3

TODAY = dt.date(2026, 3, 1)


def test_the_report_lists_the_fields_and_every_check_and_survives_json() -> None:
    report = mrz_report(reading=parse_mrz(ICAO_TD3, today=TODAY))

    decoded = json.loads(json.dumps(report))
    assert decoded["passed"] is True
    assert decoded["fields"]["document_number"] == "L898902C3"
    assert decoded["fields"]["birth_date"] == {"raw": "740812", "date": "1974-08-12"}
    assert decoded["fields"]["given_names"] == "ANNA MARIA"
    assert len(decoded["checks"]) == 7
    assert all(set(check) == {"name", "passed", "message"} for check in decoded["checks"])


def test_the_report_fails_overall_when_one_claim_check_fails() -> None:
    reading = parse_mrz(ICAO_TD1, today=TODAY)
    assert reading.fields is not None
    claim = Claim(
        status=Status.NOT_US_PERSON,
        family_name="Eriksson",
        given_names="Anna Maria",
        birth_date=dt.date(1974, 8, 12),
        citizenships=("SE",),
        document_type=DocumentType.OTHER,
        today=TODAY,
    )

    report = mrz_report(
        reading=reading, claim_checks=check_claim(fields=reading.fields, claim=claim)
    )

    assert report["passed"] is False
    failed = [c for c in report["checks"] if isinstance(c, dict) and c["passed"] is False]  # type: ignore[union-attr]
    assert {c["name"] for c in failed} == {"document_not_expired", "nationality_consistent"}


def test_a_foreign_identity_card_supports_a_non_us_person_but_not_a_citizen() -> None:
    reading = parse_mrz(ICAO_TD1, today=TODAY)
    assert reading.fields is not None
    rules = default_document_rules()

    assert document_supports_status(
        fields=reading.fields, status=Status.NOT_US_PERSON, rules=rules
    ).passed
    assert not document_supports_status(fields=reading.fields, status=Status.US_CITIZEN).passed


def test_the_report_of_text_that_is_no_mrz_has_no_fields_and_says_why() -> None:
    report = mrz_report(reading=parse_mrz("hello", today=TODAY))

    assert report == {
        "passed": False,
        "fields": None,
        "checks": [
            {
                "name": "format",
                "passed": False,
                "message": "Machine-readable lines come as 2 lines (passport, TD2) or 3 lines "
                "(ID card); "
                "this text has 1 line of 5 characters.",
            }
        ],
    }


def test_one_call_parses_checks_the_claim_and_reports_for_the_command() -> None:
    claim = Claim(
        status=Status.NOT_US_PERSON,
        family_name="Eriksson",
        given_names="Anna Maria",
        birth_date=dt.date(1974, 8, 12),
        citizenships=("UTO",),
        document_type=DocumentType.OTHER,
        today=dt.date(2011, 1, 1),
    )

    with_claim = mrz_check_report("\n".join(ICAO_TD3), today=dt.date(2011, 1, 1), claim=claim)
    without = mrz_check_report(list(ICAO_TD3), today=TODAY)

    checks = with_claim["checks"]
    assert isinstance(checks, list)
    assert len(checks) == 13
    # UTO is ICAO's fictional state: no ISO code names it, so no citizenship matches it.
    failed = [check["name"] for check in checks if isinstance(check, dict) and not check["passed"]]
    assert failed == ["nationality_consistent"]
    assert with_claim["passed"] is False
    assert isinstance(without["checks"], list)
    assert len(without["checks"]) == 7


def test_the_shipped_rule_table_keeps_unconfirmed_rules_marked() -> None:
    rules = default_document_rules()

    unconfirmed = {rule.document_type for rule in rules if not rule.confirmed}
    assert unconfirmed == {DocumentType.US_PASSPORT_CARD, DocumentType.REFUGEE_TRAVEL_DOCUMENT}
    assert all(rule.note for rule in rules)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "not valid JSON"),
        ('{"rules": {}}', '"rules" list'),
        (
            '{"rules": [{"code_prefix": "P", "issuer": "USA"}]}',
            "document rule 1 lacks 'document_type'",
        ),
        (
            (
                '{"rules": [{"document_type": "us_passport", "code_prefix": "P", "issuer": "USA",'
                ' "statuses": ["citizen"]}]}'
            ),
            "document rule 1: 'citizen' is not a valid Status",
        ),
        ('{"rules": ["P"]}', "document rule 1 is not an object"),
    ],
)
def test_a_malformed_rule_table_is_refused_with_the_rule_and_field_named(
    text: str, says: str
) -> None:
    with pytest.raises(DocumentRulesError, match=says):
        parse_document_rules(text)
