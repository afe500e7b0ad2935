"""From OCR output to MRZ lines: only the repairs the field types justify, and doubt kept."""

from __future__ import annotations

import datetime as dt

from attestations.ocr.correct import Interpretation, interpret, mrz_like_lines
from attestations.ocr.tesseract import parse_tsv
from attestations.ocr.types import OcrLine
from tests.support.document_images import ICAO_TD1, ICAO_TD3

TODAY = dt.date(2026, 3, 1)
THRESHOLD = 75.0


def _read(*lines: str, confidence: float = 95.0, line_count: int = 2) -> Interpretation | None:
    ocr = [OcrLine(line, confidence) for line in lines]
    return interpret(ocr, line_count=line_count, today=TODAY, min_confidence=THRESHOLD)


def test_spaces_and_short_stray_lines_are_dropped() -> None:
    ocr = [OcrLine("UTOPIA", 90), OcrLine(" ".join(ICAO_TD3[0]), 91), OcrLine(ICAO_TD3[1], 92)]

    assert [line.text for line in mrz_like_lines(ocr)] == list(ICAO_TD3)


def test_a_clean_confident_reading_is_acceptable() -> None:
    found = _read(*ICAO_TD3)

    assert found is not None
    assert found.acceptable


def test_a_letter_o_in_a_date_is_read_as_zero() -> None:
    found = _read(ICAO_TD3[0], ICAO_TD3[1].replace("7408122", "74O8122"))

    assert found is not None
    assert found.acceptable
    assert found.lines == ICAO_TD3


def test_a_digit_in_a_name_is_read_as_the_letter_it_resembles() -> None:
    found = _read(ICAO_TD3[0].replace("ERIKSSON", "ERIK5S0N"), ICAO_TD3[1])

    assert found is not None
    assert found.lines == ICAO_TD3


def test_the_document_number_is_not_guessed_at() -> None:
    # Numbers mix letters and digits, so an O there stays an O and fails its check digit.
    found = _read(ICAO_TD3[0], ICAO_TD3[1].replace("L898902C3", "L8989O2C3"))

    assert found is not None
    assert not found.acceptable
    assert found.lines[1].startswith("L8989O2C3")


def test_a_filler_run_read_one_too_short_in_a_checked_line_is_fitted() -> None:
    found = _read(ICAO_TD3[0], ICAO_TD3[1].replace("B<<<<<1", "B<<<<1"))

    assert found is not None
    assert found.acceptable
    assert found.lines == ICAO_TD3


def test_a_name_line_of_the_wrong_length_is_offered_but_never_accepted() -> None:
    # An extra letter in the name plus a filler fewer would pass every check digit.
    inserted = ICAO_TD3[0].replace("ERIKSSON", "ERIKSSSON")

    found = _read(inserted, ICAO_TD3[1])

    assert found is not None
    assert found.reading.valid
    assert not found.acceptable
    assert found.lines[0].startswith("P<UTOERIKSSSON<<ANNA<MARIA")


def test_a_doubtful_line_makes_the_reading_unacceptable_even_if_every_check_passes() -> None:
    found = _read(*ICAO_TD3, confidence=THRESHOLD - 1)

    assert found is not None
    assert found.reading.valid
    assert not found.acceptable


def test_a_card_code_with_a_digit_is_left_alone() -> None:
    found = _read("C1" + ICAO_TD1[0][2:], *ICAO_TD1[1:], line_count=3)

    assert found is not None
    assert found.lines[0].startswith("C1UTO")


def test_too_few_lines_are_no_reading() -> None:
    assert _read(ICAO_TD1[0], ICAO_TD1[1], line_count=3) is None


def test_tesseract_tsv_is_grouped_into_lines_with_their_least_confident_word() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
        "\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t900\t100\t-1\t\n"
        "4\t1\t1\t1\t1\t0\t10\t10\t880\t30\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t10\t10\t400\t30\t96.5\tP<UTOERIKSSON\n"
        "5\t1\t1\t1\t1\t2\t420\t10\t460\t30\t71.25\t<<ANNA<MARIA\n"
        "5\t1\t1\t1\t2\t1\t10\t50\t880\t30\t93\tL898902C36\n"
    )

    assert parse_tsv(tsv) == (
        OcrLine("P<UTOERIKSSON<<ANNA<MARIA", 71.25),
        OcrLine("L898902C36", 93.0),
    )
