"""What people type or paste: normalised when harmless, refused with a precise reason when not."""

from __future__ import annotations

import datetime as dt

import pytest

from attestations.mrz import MrzFormat, MrzInputError, normalise_mrz, parse_mrz
from tests.support.document_images import ICAO_TD1, ICAO_TD2, ICAO_TD3

TODAY = dt.date(2026, 3, 1)


def test_lines_may_be_given_as_a_list() -> None:
    assert normalise_mrz(list(ICAO_TD3)) == (MrzFormat.TD3, ICAO_TD3)


def test_lines_may_be_given_as_one_string_with_any_line_ending() -> None:
    assert normalise_mrz("\r\n".join(ICAO_TD1)) == (MrzFormat.TD1, ICAO_TD1)


@pytest.mark.parametrize(
    ("lines", "fmt"), [(ICAO_TD3, "TD3"), (ICAO_TD2, "TD2"), (ICAO_TD1, "TD1")]
)
def test_the_whole_mrz_pasted_as_one_run_of_characters_is_split_into_lines(
    lines: tuple[str, ...], fmt: str
) -> None:
    assert normalise_mrz("".join(lines)) == (MrzFormat(fmt), lines)


def test_spaces_blank_lines_and_lowercase_are_forgiven() -> None:
    typed = "\n  p<uto ERIKSSON<<anna<maria<<<<<<<<<<<<<<<<<<< \n\n" + " ".join(ICAO_TD3[1]) + "\n"

    reading = parse_mrz(typed, today=TODAY)

    assert reading.valid
    assert reading.fields is not None
    assert reading.fields.lines == ICAO_TD3


def test_a_list_element_holding_two_lines_is_split() -> None:
    assert normalise_mrz(["\n".join(ICAO_TD3)]) == (MrzFormat.TD3, ICAO_TD3)


def _error(raw: str | list[str]) -> MrzInputError:
    with pytest.raises(MrzInputError) as caught:
        normalise_mrz(raw)
    return caught.value


def test_empty_input_says_nothing_was_given() -> None:
    assert _error("  \n ").code == "mrz_empty"


def test_a_single_line_says_how_many_lines_an_mrz_has() -> None:
    error = _error(ICAO_TD3[0])

    assert error.code == "mrz_line_count"
    assert "1 line of 44 characters" in error.message


def test_four_lines_are_refused() -> None:
    error = _error([*ICAO_TD1, ICAO_TD1[0]])

    assert error.code == "mrz_line_count"
    assert "4 lines" in error.message


def test_a_short_line_is_named_with_its_length_and_the_expected_length() -> None:
    error = _error([ICAO_TD3[0], ICAO_TD3[1][:-1]])

    assert error.code == "mrz_line_length"
    assert "Line 2 has 43 characters" in error.message
    assert "44" in error.message


def test_a_long_first_line_is_judged_against_the_format_of_the_other_line() -> None:
    error = _error([ICAO_TD3[0] + "<", ICAO_TD3[1]])

    assert "Line 1 has 45 characters" in error.message
    assert "passport" in error.message


def test_a_card_line_of_the_wrong_length_is_named() -> None:
    error = _error([ICAO_TD1[0], ICAO_TD1[1], ICAO_TD1[2] + "<<"])

    assert error.code == "mrz_line_length"
    assert "Line 3 has 32 characters" in error.message


def test_an_invalid_character_is_named_with_its_line_and_position() -> None:
    line2 = ICAO_TD3[1][:5] + "-" + ICAO_TD3[1][6:]

    error = _error([ICAO_TD3[0], line2])

    assert error.code == "mrz_invalid_character"
    assert "Line 2, position 6: '-'" in error.message


def test_an_accented_letter_is_an_invalid_character_not_silently_changed() -> None:
    line1 = ICAO_TD3[0].replace("ERIKSSON", "ERIKSSÖN")

    error = _error([line1, ICAO_TD3[1]])

    assert error.code == "mrz_invalid_character"
    assert "'Ö'" in error.message


def test_parse_reports_bad_input_as_a_failed_format_check_without_fields() -> None:
    reading = parse_mrz("P<UTO", today=TODAY)

    assert reading.fields is None
    assert not reading.valid
    assert [check.name for check in reading.checks] == ["format"]
    assert "2 lines" in reading.checks[0].message
