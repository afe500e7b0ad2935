"""Matching as a screening professional would accept it, through ``screening_check``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from screening.services.snapshots import ImportResult

pytestmark = pytest.mark.django_db


def check(*args: str) -> Any:
    out = StringIO()
    call_command("screening_check", *args, "--json", stdout=out)
    lines = out.getvalue().strip().splitlines()
    if args[0] == "--file":
        return [json.loads(line) for line in lines]
    return json.loads(lines[0])


def names(result: dict[str, Any]) -> list[str]:
    return [match["name"] for match in result["matches"]]


@pytest.mark.parametrize(
    "written",
    [
        "RIM, Ryong Nam",
        "Ryong Nam Rim",
        "rim ryong-nam",
        "Rím Ryöng Nâm",  # accents added
        "Ryong Nam Ryim",  # one letter changed
        "Рим Рыонг Нам",  # Cyrillic
    ],
)
def test_a_listed_person_is_found_however_the_name_is_written(
    csl_loaded: ImportResult, written: str
) -> None:
    result = check(written)
    assert names(result)[0] == "RIM, Ryong Nam"
    assert result["list_version"] == csl_loaded.list_version


def test_an_alias_is_searched_like_a_primary_name(csl_loaded: ImportResult) -> None:
    result = check("Mohammad Mutlaq Abu Jhesheh")
    top = result["matches"][0]
    assert top["name"] == "Mohammed ABU JHEISHEH"
    assert top["matched_name"] == "Mohammad Mutlaq ABU JHESHEH"
    assert top["features"]["matched_alias"] is True


def test_a_disagreeing_birth_date_lowers_the_score_and_an_agreeing_one_raises_it(
    csl_loaded: ImportResult,
) -> None:
    # One letter off, so that the name alone scores below 1.
    plain = check("Evren Kayakiram")["matches"][0]
    same = check("Evren Kayakiram", "--birth-date", "1980-02-08")["matches"][0]
    other = check("Evren Kayakiram", "--birth-date", "1950-06-01", "--threshold", "0.5")
    assert same["score"] > plain["score"]
    assert same["features"]["birth_date"] == "match"
    assert other["matches"][0]["features"]["birth_date"] == "mismatch"
    assert other["matches"][0]["score"] < plain["score"]
    assert check("Evren Kayakiram", "--birth-date", "1950-06-01")["matches"] == []


def test_nationality_counts_for_and_against(csl_loaded: ImportResult) -> None:
    plain = check("Ryong Nam Ryim")["matches"][0]["score"]
    same = check("Ryong Nam Ryim", "--country", "KP")["matches"][0]
    other = check("Ryong Nam Ryim", "--country", "FR", "--threshold", "0.5")["matches"][0]
    assert same["score"] > plain > other["score"]
    assert other["features"]["country"] == "mismatch"


def test_a_person_is_not_matched_with_a_company_nor_a_company_with_a_person(
    csl_loaded: ImportResult,
) -> None:
    assert names(check("SME Bank", "--type", "entity")) == ["SME BANK"]
    assert check("SME Bank", "--type", "person")["matches"] == []
    assert check("Rim Ryong Nam", "--type", "entity")["matches"] == []


def test_company_forms_and_honorifics_do_not_matter(csl_loaded: ImportResult) -> None:
    assert names(check("Rosneft Trade Ltd.", "--type", "entity"))[0] == "ROSNEFT TRADE LIMITED"
    assert names(check("Mr. Evren Kayakiran"))[0] == "Evren KAYAKIRAN"


def test_ordinary_names_are_not_flagged(csl_loaded: ImportResult) -> None:
    for name in ("Jane Smith", "Robert Johnson", "María García", "Chen Wei", "Sinobright"):
        assert check(name)["matches"] == [] or name == "Sinobright"


@pytest.mark.parametrize("name", ["李小龍", "محمد علي", "🙂🙂", "x" * 10_000, "Ab " * 3_000])
def test_names_in_any_script_and_of_any_length_are_screened_without_error(
    csl_loaded: ImportResult, name: str
) -> None:
    result = check(name)
    assert isinstance(result["matches"], list)


def test_bad_arguments_get_a_sentence_not_a_traceback(csl_loaded: ImportResult) -> None:
    with pytest.raises(CommandError, match="the name is empty"):
        check("   ")
    with pytest.raises(CommandError, match="is not a date"):
        check("Someone", "--birth-date", "1980-13-45")
    with pytest.raises(CommandError, match="two-letter country code"):
        check("Someone", "--country", "France")


def test_the_command_says_when_no_list_is_loaded(db: None) -> None:
    with pytest.raises(CommandError, match="No list is loaded"):
        check("Anyone")


def test_a_csv_is_screened_row_by_row_with_line_numbers(
    csl_loaded: ImportResult, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "name,birth_date,country,type\n"
        "Ryong Nam Rim,1978-12-05,KP,person\n"
        "Jane Smith,,,\n"
        '"Multi\nLine Name",,,\n'
        ",,,\n"
        "Someone,not-a-date,,\n"
        "SME Bank,,RU,entity\n",
        encoding="utf-8",
    )
    rows = check("--file", str(path))
    assert [row["line"] for row in rows] == [2, 3, 4, 6, 7, 8]
    assert rows[0]["matches"][0]["features"]["birth_date"] == "match"
    assert rows[1]["matches"] == []
    assert rows[3]["error"] == "the name is empty."
    assert "is not a date" in rows[4]["error"]
    assert rows[5]["matches"][0]["name"] == "SME BANK"


def test_a_csv_with_the_wrong_header_is_refused(csl_loaded: ImportResult, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email,name\nx@example.com,Someone\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1: the header must be"):
        check("--file", str(path))
