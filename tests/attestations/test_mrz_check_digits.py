"""Check digits: the ICAO algorithm, and every corrupted check digit reported by its name."""

from __future__ import annotations

import datetime as dt

import pytest

from attestations.mrz import check_digit, parse_mrz
from tests.support.document_images import ICAO_TD1, ICAO_TD2, ICAO_TD3, ICAO_TD3_OLDER

TODAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("data", "digit"),
    [
        ("L898902C3", "6"),
        ("740812", "2"),
        ("120415", "9"),
        ("ZE184226B<<<<<", "1"),
        ("D23145890", "7"),
        ("<<<<<<", "0"),
        ("", "0"),
    ],
)
def test_check_digits_weigh_7_3_1_with_letters_from_10_and_fillers_as_0(
    data: str, digit: str
) -> None:
    assert check_digit(data) == digit


def test_a_character_outside_the_mrz_alphabet_has_no_check_digit() -> None:
    with pytest.raises(ValueError, match="not an MRZ character"):
        check_digit("AB²")


def _replace(lines: tuple[str, ...], line: int, position: int) -> tuple[str, ...]:
    """The MRZ with the digit at 1-based (line, position) changed to another digit."""
    text = lines[line - 1]
    old = text[position - 1]
    new = str((int(old) + 5) % 10)
    changed = text[: position - 1] + new + text[position:]
    return (*lines[: line - 1], changed, *lines[line:])


# (specimen, line, 1-based position of the check digit, check named, composite also fails)
CASES = [
    ("TD3", ICAO_TD3, 2, 10, "document_number_check_digit", True),
    ("TD3", ICAO_TD3, 2, 20, "birth_date_check_digit", True),
    ("TD3", ICAO_TD3, 2, 28, "expiry_date_check_digit", True),
    ("TD3", ICAO_TD3, 2, 43, "personal_number_check_digit", True),
    ("TD3", ICAO_TD3, 2, 44, "composite_check_digit", False),
    ("TD3 older", ICAO_TD3_OLDER, 2, 10, "document_number_check_digit", True),
    ("TD3 older", ICAO_TD3_OLDER, 2, 44, "composite_check_digit", False),
    ("TD2", ICAO_TD2, 2, 10, "document_number_check_digit", True),
    ("TD2", ICAO_TD2, 2, 20, "birth_date_check_digit", True),
    ("TD2", ICAO_TD2, 2, 28, "expiry_date_check_digit", True),
    ("TD2", ICAO_TD2, 2, 36, "composite_check_digit", False),
    ("TD1", ICAO_TD1, 1, 15, "document_number_check_digit", True),
    ("TD1", ICAO_TD1, 2, 7, "birth_date_check_digit", True),
    ("TD1", ICAO_TD1, 2, 15, "expiry_date_check_digit", True),
    ("TD1", ICAO_TD1, 2, 30, "composite_check_digit", False),
]


@pytest.mark.parametrize(
    ("lines", "line", "position", "name", "composite_too"),
    [case[1:] for case in CASES],
    ids=[f"{case[0]}-{case[4]}" for case in CASES],
)
def test_a_wrong_check_digit_fails_exactly_the_check_named_for_it(
    lines: tuple[str, ...], line: int, position: int, name: str, composite_too: bool
) -> None:
    reading = parse_mrz(_replace(lines, line, position), today=TODAY)

    failed = {check.name for check in reading.checks if not check.passed}
    expected = {name, "composite_check_digit"} if composite_too else {name}
    assert failed == expected
    check = reading.check(name)
    assert check is not None
    assert "misread or mistyped" in check.message


@pytest.mark.parametrize(
    ("line", "position", "name"),
    [
        (2, 1, "document_number_check_digit"),  # a character of the number itself
        (2, 15, "birth_date_check_digit"),
        (2, 26, "expiry_date_check_digit"),
        (2, 30, "personal_number_check_digit"),
    ],
)
def test_a_misread_data_character_is_caught_by_its_field_check_digit(
    line: int, position: int, name: str
) -> None:
    text = ICAO_TD3[line - 1]
    changed = text[: position - 1] + ("8" if text[position - 1] != "8" else "3") + text[position:]

    reading = parse_mrz((ICAO_TD3[0], changed), today=TODAY)

    failed = {check.name for check in reading.checks if not check.passed}
    assert name in failed
    assert "composite_check_digit" in failed


def test_a_letter_in_a_check_digit_position_is_called_out() -> None:
    line2 = ICAO_TD3[1][:9] + "O" + ICAO_TD3[1][10:]

    check = parse_mrz((ICAO_TD3[0], line2), today=TODAY).check("document_number_check_digit")

    assert check is not None
    assert not check.passed
    assert "'O', which is not a digit" in check.message


def test_an_empty_personal_number_may_have_a_filler_or_zero_check_digit() -> None:
    base = "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<"
    for check_char in ("<", "0"):
        body = base + check_char
        composite = check_digit(body[0:10] + body[13:20] + body[21:43])
        reading = parse_mrz((ICAO_TD3[0], body + composite), today=TODAY)

        assert reading.valid, (check_char, reading.checks)


def test_a_swapped_pair_of_digits_in_a_date_is_caught() -> None:
    line2 = ICAO_TD3[1][:13] + "740821" + ICAO_TD3[1][19:]  # 740812 -> 740821

    failed = {c.name for c in parse_mrz((ICAO_TD3[0], line2), today=TODAY).checks if not c.passed}

    assert "birth_date_check_digit" in failed
