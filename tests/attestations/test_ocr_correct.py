"""From OCR text to MRZ lines: only the repairs the field types justify."""

from __future__ import annotations

import datetime as dt

from attestations.ocr.correct import interpret, mrz_like_lines
from tests.support.document_images import ICAO_TD1, ICAO_TD3

TODAY = dt.date(2026, 3, 1)


def _text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_spaces_and_short_stray_lines_are_dropped() -> None:
    text = "UTOPIA\n" + " ".join(ICAO_TD3[0]) + "\n\n" + ICAO_TD3[1] + "\n"

    assert mrz_like_lines(text) == list(ICAO_TD3)


def test_a_letter_o_in_a_date_is_read_as_zero() -> None:
    line2 = ICAO_TD3[1].replace("7408122", "74O8122")

    found = interpret(_text(ICAO_TD3[0], line2), line_count=2, today=TODAY)

    assert found is not None
    assert found.reading.valid
    assert found.lines == ICAO_TD3


def test_a_digit_in_a_name_is_read_as_the_letter_it_resembles() -> None:
    line1 = ICAO_TD3[0].replace("ERIKSSON", "ERIK5S0N")

    found = interpret(_text(line1, ICAO_TD3[1]), line_count=2, today=TODAY)

    assert found is not None
    assert found.lines == ICAO_TD3


def test_the_document_number_is_not_guessed_at() -> None:
    # Numbers mix letters and digits, so an O there stays an O and fails its check digit.
    line2 = ICAO_TD3[1].replace("L898902C3", "L8989O2C3")

    found = interpret(_text(ICAO_TD3[0], line2), line_count=2, today=TODAY)

    assert found is not None
    assert not found.reading.valid
    assert found.lines[1].startswith("L8989O2C3")


def test_a_filler_run_read_one_too_long_or_short_is_fitted_to_the_line() -> None:
    too_long = ICAO_TD3[0] + "<"
    too_short = ICAO_TD3[1].replace("B<<<<<1", "B<<<<1")

    found = interpret(_text(too_long, too_short), line_count=2, today=TODAY)

    assert found is not None
    assert found.reading.valid
    assert found.lines == ICAO_TD3


def test_a_card_code_with_a_digit_is_left_alone() -> None:
    line1 = "C1" + ICAO_TD1[0][2:]

    found = interpret(_text(line1, *ICAO_TD1[1:]), line_count=3, today=TODAY)

    assert found is not None
    assert found.lines[0].startswith("C1UTO")


def test_too_few_lines_are_no_reading() -> None:
    assert interpret(_text(ICAO_TD1[0], ICAO_TD1[1]), line_count=3, today=TODAY) is None
