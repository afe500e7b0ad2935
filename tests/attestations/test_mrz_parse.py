"""Parsing TD1, TD2 and TD3 MRZs: the ICAO specimens, pivots, overflow, names, format."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from attestations.mrz import MrzFormat, MrzReading, parse_mrz
from tests.support.document_images import (
    ICAO_TD1,
    ICAO_TD1_OVERFLOW,
    ICAO_TD2,
    ICAO_TD3,
    ICAO_TD3_OLDER,
    MrzData,
    td1_lines,
    td2_lines,
    td3_lines,
)

TODAY = dt.date(2026, 3, 1)


def _failed(reading: MrzReading) -> set[str]:
    return {check.name for check in reading.checks if not check.passed}


def _data(**changes: Any) -> MrzData:
    base = MrzData(
        document_code="P",
        issuer="USA",
        surname="DOE",
        given_names="JANE",
        number="A12345678",
        nationality="USA",
        birth=dt.date(1980, 5, 17),
        sex="F",
        expiry=dt.date(2030, 1, 31),
    )
    return replace(base, **changes)


def test_the_icao_passport_specimen_parses_into_its_fields() -> None:
    reading = parse_mrz(ICAO_TD3, today=TODAY)

    assert reading.valid
    fields = reading.fields
    assert fields is not None
    assert fields.format is MrzFormat.TD3
    assert (fields.document_code, fields.issuer, fields.nationality) == ("P", "UTO", "UTO")
    assert (fields.name.surname, fields.name.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert fields.document_number == "L898902C3"
    assert fields.birth_date.value == dt.date(1974, 8, 12)
    assert fields.sex == "F"
    assert fields.expiry_date.value == dt.date(2012, 4, 15)
    assert fields.personal_number == "ZE184226B"


def test_every_passport_check_is_reported_by_name() -> None:
    names = [check.name for check in parse_mrz(ICAO_TD3, today=TODAY).checks]

    assert names == [
        "format",
        "document_number_check_digit",
        "birth_date_check_digit",
        "expiry_date_check_digit",
        "personal_number_check_digit",
        "composite_check_digit",
        "dates_valid",
    ]


def test_the_older_passport_specimen_with_a_short_number_is_valid() -> None:
    reading = parse_mrz(ICAO_TD3_OLDER, today=TODAY)

    assert reading.valid, reading.checks
    assert reading.fields is not None
    assert reading.fields.document_number == "L898902C"
    assert reading.fields.birth_date.value == dt.date(1969, 8, 6)
    assert reading.fields.expiry_date.value == dt.date(1994, 6, 23)


def test_the_td2_specimen_parses_without_a_personal_number_check() -> None:
    reading = parse_mrz(ICAO_TD2, today=TODAY)

    assert reading.valid, reading.checks
    assert reading.fields is not None
    assert reading.fields.format is MrzFormat.TD2
    assert reading.fields.document_number == "D23145890"
    assert reading.check("personal_number_check_digit") is None


def test_the_td1_specimen_takes_its_name_from_the_third_line() -> None:
    reading = parse_mrz(ICAO_TD1, today=TODAY)

    assert reading.valid, reading.checks
    fields = reading.fields
    assert fields is not None
    assert fields.format is MrzFormat.TD1
    assert fields.document_number == "D23145890"
    assert (fields.name.surname, fields.name.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert fields.nationality == "UTO"


def test_a_long_td1_document_number_continues_in_the_optional_field() -> None:
    reading = parse_mrz(ICAO_TD1_OVERFLOW, today=TODAY)

    assert reading.valid, reading.checks
    assert reading.fields is not None
    assert reading.fields.document_number == "D23145890734"
    assert reading.fields.optional_data == ""


def test_the_overflow_check_digit_is_the_last_character_before_the_filler() -> None:
    line1, line2, line3 = ICAO_TD1_OVERFLOW
    wrong = line1[:18] + "8" + line1[19:]  # the overflow's check digit 9 -> 8

    reading = parse_mrz((wrong, line2, line3), today=TODAY)

    assert "document_number_check_digit" in _failed(reading)


def test_overflow_keeps_what_follows_it_as_optional_data() -> None:
    lines = td1_lines(_data(document_code="C1", number="SRC1234567890", optional="XY12"))

    reading = parse_mrz(lines, today=TODAY)

    assert reading.valid, reading.checks
    assert reading.fields is not None
    assert reading.fields.document_number == "SRC1234567890"
    assert reading.fields.optional_data == "XY12"


def test_a_td2_document_number_may_overflow_too() -> None:
    lines = td2_lines(_data(document_code="I", number="AB12345678901"))

    reading = parse_mrz(lines, today=TODAY)

    assert reading.valid, reading.checks
    assert reading.fields is not None
    assert reading.fields.document_number == "AB12345678901"


def test_an_overflow_marker_without_a_number_after_it_fails_the_check_digit() -> None:
    line1 = "I<UTOD23145890<<<<<<<<<<<<<<<<"

    reading = parse_mrz((line1, ICAO_TD1[1], ICAO_TD1[2]), today=TODAY)

    assert "document_number_check_digit" in _failed(reading)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("740812", dt.date(1974, 8, 12)),
        ("000229", dt.date(2000, 2, 29)),
        ("260301", dt.date(2026, 3, 1)),  # born today
        ("260302", dt.date(1926, 3, 2)),  # tomorrow's date is a century ago
        ("991231", dt.date(1999, 12, 31)),
    ],
)
def test_a_birth_year_is_the_latest_one_not_after_today(raw: str, expected: dt.date) -> None:
    lines = td3_lines(_data(birth=expected))
    assert lines[1][13:19] == raw

    reading = parse_mrz(lines, today=TODAY)

    assert reading.fields is not None
    assert reading.fields.birth_date.value == expected


@pytest.mark.parametrize(
    "expected",
    [
        dt.date(2046, 3, 1),  # twenty years ahead: still this century
        dt.date(1947, 1, 1),  # "47" would be 21 years ahead, so it is the past century
        dt.date(2012, 4, 15),
        dt.date(1994, 6, 23),
    ],
)
def test_an_expiry_year_lies_at_most_twenty_years_ahead(expected: dt.date) -> None:
    lines = td3_lines(_data(birth=dt.date(1940, 1, 1), expiry=expected))

    reading = parse_mrz(lines, today=TODAY)

    assert reading.fields is not None
    assert reading.fields.expiry_date.value == expected


def test_a_surname_of_several_parts_and_several_given_names_are_split_correctly() -> None:
    lines = td3_lines(_data(surname="VAN<DER<BERG", given_names="ANNA<MARIA<LOUISE"))

    reading = parse_mrz(lines, today=TODAY)

    assert reading.fields is not None
    name = reading.fields.name
    assert (name.surname, name.given_names, name.truncated) == (
        "VAN DER BERG",
        "ANNA MARIA LOUISE",
        False,
    )


def test_a_name_that_fills_the_field_is_marked_as_possibly_truncated() -> None:
    lines = td1_lines(_data(surname="ABERNATHY<WORTHINGTON", given_names="CHRISTOPHER<JOHN"))

    reading = parse_mrz(lines, today=TODAY)

    assert reading.fields is not None
    assert reading.fields.name.given_names == "CHRISTO"
    assert reading.fields.name.truncated


def test_a_person_with_a_single_name_has_no_given_names() -> None:
    reading = parse_mrz(td3_lines(_data(surname="MADONNA", given_names="")), today=TODAY)

    assert reading.valid, reading.checks
    assert reading.fields is not None
    assert (reading.fields.name.surname, reading.fields.name.given_names) == ("MADONNA", "")


def test_germany_issues_with_the_one_letter_code_d() -> None:
    reading = parse_mrz(td3_lines(_data(issuer="D", nationality="D")), today=TODAY)

    assert reading.valid, reading.checks
    assert reading.fields is not None
    assert (reading.fields.issuer, reading.fields.nationality) == ("D", "D")


def test_a_permanent_resident_card_code_with_a_digit_is_well_formed() -> None:
    reading = parse_mrz(td1_lines(_data(document_code="C1")), today=TODAY)

    assert reading.valid, reading.checks
    assert reading.fields is not None
    assert reading.fields.document_code == "C1"


@pytest.mark.parametrize(
    ("position", "char", "says"),
    [
        (20, "Q", "sex"),
        (13, "A", "date of birth"),
        (21, "<", "expiry date"),
        (10, "1", "nationality"),
    ],
)
def test_a_character_of_the_wrong_kind_fails_the_format_check_and_says_where(
    position: int, char: str, says: str
) -> None:
    line2 = ICAO_TD3[1][:position] + char + ICAO_TD3[1][position + 1 :]

    reading = parse_mrz((ICAO_TD3[0], line2), today=TODAY)

    check = reading.check("format")
    assert check is not None
    assert not check.passed
    assert f"line 2, position {position + 1} ({says})" in check.message


def test_letters_after_the_trailing_fillers_of_a_name_are_malformed() -> None:
    line1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<X<<<<<<<<<"

    reading = parse_mrz((line1, ICAO_TD3[1]), today=TODAY)

    assert "format" in _failed(reading)


def test_a_visa_is_not_read_as_a_passport() -> None:
    line1 = "V" + ICAO_TD3[0][1:]

    check = parse_mrz((line1, ICAO_TD3[1]), today=TODAY).check("format")

    assert check is not None
    assert not check.passed
    assert "visa" in check.message


def test_an_impossible_birth_date_fails_dates_valid() -> None:
    lines = td3_lines(_data())
    line2 = lines[1][:15] + "13" + lines[1][17:]  # month 13

    reading = parse_mrz((lines[0], line2), today=TODAY)

    check = reading.check("dates_valid")
    assert check is not None
    assert not check.passed
    assert "not a real date" in check.message


def test_a_birth_date_after_the_expiry_date_fails_dates_valid() -> None:
    lines = td3_lines(_data(birth=dt.date(2020, 1, 1), expiry=dt.date(2019, 1, 1)))

    assert "dates_valid" in _failed(parse_mrz(lines, today=TODAY))


def test_an_unknown_birth_day_is_reported_rather_than_guessed() -> None:
    lines = td3_lines(_data())
    line2 = lines[1][:17] + "<<" + lines[1][19:]

    check = parse_mrz((lines[0], line2), today=TODAY).check("dates_valid")

    assert check is not None
    assert not check.passed
    assert "not fully shown" in check.message
