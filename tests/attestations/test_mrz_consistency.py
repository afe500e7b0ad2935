"""The MRZ against the claim: expiry, status, document type, name, birth date, nationality."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from attestations.mrz import (
    Check,
    Claim,
    DocumentType,
    MrzFields,
    Status,
    birth_date_matches,
    check_claim,
    document_not_expired,
    document_supports_status,
    document_type_matches,
    name_matches,
    nationality_consistent,
    parse_document_rules,
    parse_mrz,
)
from tests.support.document_images import ICAO_TD3, MrzData, td1_lines, td3_lines

TODAY = dt.date(2026, 3, 1)

US_PASSPORT = MrzData(
    document_code="P",
    issuer="USA",
    surname="DOE",
    given_names="JANE<ELIZABETH",
    number="A12345678",
    nationality="USA",
    birth=dt.date(1980, 5, 17),
    sex="F",
    expiry=dt.date(2030, 1, 31),
)
GREEN_CARD = replace(US_PASSPORT, document_code="C1", nationality="DEU", number="SRC1234567890")


def _fields(data: MrzData = US_PASSPORT, **changes: Any) -> MrzFields:
    data = replace(data, **changes)
    lines = td1_lines(data) if data.document_code[0] in "CI" else td3_lines(data)
    reading = parse_mrz(lines, today=TODAY)
    assert reading.valid, reading.checks
    assert reading.fields is not None
    return reading.fields


def _claim(**changes: Any) -> Claim:
    claim = Claim(
        status=Status.US_CITIZEN,
        family_name="Doe",
        given_names="Jane Elizabeth",
        birth_date=dt.date(1980, 5, 17),
        citizenships=("US",),
        document_type=DocumentType.US_PASSPORT,
        today=TODAY,
    )
    return replace(claim, **changes)


def test_a_us_citizen_with_a_matching_us_passport_passes_every_check() -> None:
    checks = check_claim(fields=_fields(), claim=_claim())

    assert [check.name for check in checks] == [
        "document_not_expired",
        "document_supports_status",
        "document_type_matches",
        "name_matches",
        "birth_date_matches",
        "nationality_consistent",
    ]
    assert all(check.passed for check in checks), checks


# document_not_expired


def test_a_document_valid_until_today_is_not_expired() -> None:
    check = document_not_expired(fields=_fields(expiry=TODAY), today=TODAY)

    assert check.passed


def test_an_expired_passport_is_rejected_with_its_expiry_date() -> None:
    yesterday = TODAY - dt.timedelta(days=1)

    check = document_not_expired(fields=_fields(expiry=yesterday), today=TODAY)

    assert not check.passed
    assert "expired on 2026-02-28" in check.message


# document_supports_status


@pytest.mark.parametrize("status", [Status.US_CITIZEN, Status.US_NATIONAL])
def test_a_us_passport_supports_citizens_and_nationals(status: Status) -> None:
    assert document_supports_status(fields=_fields(), status=status).passed


def test_a_us_passport_does_not_support_permanent_residence() -> None:
    check = document_supports_status(fields=_fields(), status=Status.LAWFUL_PERMANENT_RESIDENT)

    assert not check.passed
    assert "Permanent Resident Card" in check.message  # says what would


@pytest.mark.parametrize("code", ["C1", "C2"])
def test_a_us_permanent_resident_card_supports_permanent_residence(code: str) -> None:
    fields = _fields(GREEN_CARD, document_code=code)

    check = document_supports_status(fields=fields, status=Status.LAWFUL_PERMANENT_RESIDENT)

    assert check.passed


def test_a_permanent_resident_card_does_not_make_its_holder_a_citizen() -> None:
    check = document_supports_status(fields=_fields(GREEN_CARD), status=Status.US_CITIZEN)

    assert not check.passed


def test_a_foreign_passport_does_not_support_us_citizenship() -> None:
    fields = _fields(issuer="GBR", nationality="GBR")

    check = document_supports_status(fields=fields, status=Status.US_CITIZEN)

    assert not check.passed
    assert "a passport issued by GBR" in check.message


def test_a_foreign_passport_supports_a_non_us_person() -> None:
    fields = _fields(issuer="GBR", nationality="GBR")

    assert document_supports_status(fields=fields, status=Status.NOT_US_PERSON).passed


def test_a_us_passport_does_not_support_a_claim_of_not_being_a_us_person() -> None:
    assert not document_supports_status(fields=_fields(), status=Status.NOT_US_PERSON).passed


def test_the_passport_card_rule_is_applied_but_marked_unconfirmed() -> None:
    fields = _fields(document_code="IP")

    check = document_supports_status(fields=fields, status=Status.US_CITIZEN)

    assert check.passed
    assert "not yet confirmed" in check.message


@pytest.mark.parametrize("status", [Status.REFUGEE, Status.ASYLEE])
def test_a_us_refugee_travel_document_supports_refugees_and_asylees(status: Status) -> None:
    fields = _fields(document_code="TP", nationality="XXB")

    assert document_supports_status(fields=fields, status=status).passed


def test_an_operator_can_replace_the_rule_table() -> None:
    rules = parse_document_rules(
        '{"rules": [{"document_type": "refugee_travel_document", "code_prefix": "PT",'
        ' "issuer": "USA", "statuses": ["refugee"], "confirmed": true}]}'
    )
    fields = _fields(document_code="PT", nationality="XXB")

    check = document_supports_status(fields=fields, status=Status.REFUGEE, rules=rules)

    assert check.passed
    assert not document_supports_status(
        fields=_fields(), status=Status.US_CITIZEN, rules=rules
    ).passed


# document_type_matches


def test_the_chosen_document_type_matches_a_us_passport() -> None:
    check = document_type_matches(fields=_fields(), document_type=DocumentType.US_PASSPORT)

    assert check.passed


def test_choosing_permanent_resident_card_for_a_passport_is_a_mismatch() -> None:
    check = document_type_matches(
        fields=_fields(), document_type=DocumentType.PERMANENT_RESIDENT_CARD
    )

    assert not check.passed
    assert "the machine-readable lines belong to a U.S. passport" in check.message


def test_a_birth_certificate_has_no_mrz_so_an_mrz_cannot_be_one() -> None:
    check = document_type_matches(fields=_fields(), document_type=DocumentType.BIRTH_CERTIFICATE)

    assert not check.passed
    assert "which has no machine-readable lines" in check.message


def test_a_foreign_passport_is_an_other_document() -> None:
    fields = _fields(issuer="FRA", nationality="FRA")

    assert document_type_matches(fields=fields, document_type=DocumentType.OTHER).passed
    assert not document_type_matches(fields=fields, document_type=DocumentType.US_PASSPORT).passed


# name_matches


def _name(fields: MrzFields, family: str, given: str) -> Check:
    return name_matches(fields=fields, family_name=family, given_names=given)


def test_the_name_matches_regardless_of_case_and_spacing() -> None:
    assert _name(_fields(), "  doe ", "jane   elizabeth").passed


def test_a_missing_given_name_is_a_mismatch_when_the_mrz_is_not_truncated() -> None:
    check = _name(_fields(), "Doe", "Jane")

    assert not check.passed
    assert "given names" in check.message


def test_a_different_family_name_is_a_mismatch_that_says_so() -> None:
    check = _name(_fields(), "Roe", "Jane Elizabeth")

    assert not check.passed
    assert "family name on the document (DOE, JANE ELIZABETH)" in check.message


def test_a_name_cut_short_by_the_card_mrz_still_matches() -> None:
    fields = _fields(GREEN_CARD, surname="ABERNATHY<WORTHINGTON", given_names="CHRISTOPHER<JOHN")
    assert fields.name.truncated

    check = _name(fields, "Abernathy Worthington", "Christopher John")

    assert check.passed
    assert "shortens" in check.message


def test_a_truncated_mrz_name_must_still_agree_with_the_letters_it_shows() -> None:
    fields = _fields(GREEN_CARD, surname="ABERNATHY<WORTHINGTON", given_names="CHRISTOPHER<JOHN")

    assert not _name(fields, "Abernathy Worthington", "Christina").passed


def test_a_surname_with_umlauts_matches_either_icao_spelling() -> None:
    for surname in ("MUELLER", "MULLER"):
        assert _name(_fields(surname=surname), "Müller", "Jane Elizabeth").passed


def test_a_hyphenated_name_matches_its_mrz_form_with_a_filler() -> None:
    fields = _fields(surname="SMITH<JONES", given_names="ANNE<MARIE")

    assert _name(fields, "Smith-Jones", "Anne-Marie").passed


def test_an_apostrophe_may_be_dropped_or_replaced_by_a_filler() -> None:
    for surname in ("ONEILL", "O<NEILL"):
        assert _name(_fields(surname=surname), "O'Neill", "Jane Elizabeth").passed


def test_a_name_in_a_script_the_mrz_cannot_show_asks_for_latin_letters() -> None:
    check = _name(_fields(), "Доу", "Jane Elizabeth")

    assert not check.passed
    assert "Latin letters" in check.message


# birth_date_matches


def test_the_same_birth_date_matches() -> None:
    assert birth_date_matches(fields=_fields(), birth_date=dt.date(1980, 5, 17)).passed


def test_a_different_birth_date_is_reported_with_both_dates() -> None:
    check = birth_date_matches(fields=_fields(), birth_date=dt.date(1980, 5, 18))

    assert not check.passed
    assert "1980-05-17" in check.message
    assert "1980-05-18" in check.message


def test_a_centenarian_birth_date_matches_despite_the_two_digit_year() -> None:
    fields = _fields(birth=dt.date(1926, 3, 2))  # the pivot reads "26" as 1926 here

    assert birth_date_matches(fields=fields, birth_date=dt.date(1926, 3, 2)).passed


def test_the_icao_specimen_born_in_1974_does_not_match_someone_born_in_1975() -> None:
    reading = parse_mrz(ICAO_TD3, today=TODAY)
    assert reading.fields is not None

    assert not birth_date_matches(fields=reading.fields, birth_date=dt.date(1975, 8, 12)).passed


# nationality_consistent


def test_a_citizen_document_must_show_us_nationality() -> None:
    fields = _fields(nationality="CAN")

    check = nationality_consistent(fields=fields, status=Status.US_CITIZEN, citizenships=("US",))

    assert not check.passed
    assert "CAN, not USA" in check.message


def test_a_permanent_residents_nationality_must_be_one_of_their_citizenships() -> None:
    fields = _fields(GREEN_CARD)  # nationality DEU

    passes = nationality_consistent(
        fields=fields, status=Status.LAWFUL_PERMANENT_RESIDENT, citizenships=("FR", "DE")
    )
    fails = nationality_consistent(
        fields=fields, status=Status.LAWFUL_PERMANENT_RESIDENT, citizenships=("FRA",)
    )

    assert passes.passed
    assert not fails.passed
    assert "(DEU) is not among the citizenships you gave (FRA)" in fails.message


@pytest.mark.parametrize("citizenship", ["DE", "de", "DEU"])
def test_germanys_one_letter_mrz_code_matches_a_german_citizenship(citizenship: str) -> None:
    fields = _fields(GREEN_CARD, nationality="D")

    check = nationality_consistent(
        fields=fields, status=Status.LAWFUL_PERMANENT_RESIDENT, citizenships=(citizenship,)
    )

    assert check.passed


def test_a_permanent_resident_card_showing_us_nationality_is_inconsistent() -> None:
    fields = _fields(GREEN_CARD, nationality="USA")

    check = nationality_consistent(
        fields=fields, status=Status.LAWFUL_PERMANENT_RESIDENT, citizenships=("US",)
    )

    assert not check.passed


def test_a_refugee_document_may_show_the_refugee_nationality_code() -> None:
    fields = _fields(document_code="TP", nationality="XXB")

    check = nationality_consistent(fields=fields, status=Status.REFUGEE, citizenships=("SY",))

    assert check.passed


def test_the_refugee_code_does_not_pass_for_someone_who_claims_not_to_be_a_us_person() -> None:
    fields = _fields(issuer="FRA", nationality="XXB")

    check = nationality_consistent(fields=fields, status=Status.NOT_US_PERSON, citizenships=("SY",))

    assert not check.passed


def test_an_unknown_citizenship_code_matches_nothing() -> None:
    fields = _fields(issuer="FRA", nationality="FRA")

    check = nationality_consistent(fields=fields, status=Status.NOT_US_PERSON, citizenships=("ZZ",))

    assert not check.passed
