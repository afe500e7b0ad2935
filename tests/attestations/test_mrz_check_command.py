"""``manage.py mrz_check``: support staff paste MRZ lines and get every named check as JSON."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tests.attestations.mrz_samples import corrupt

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)


def _run(*lines: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict]:  # type: ignore[type-arg]
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    code = 0
    try:
        call_command("mrz_check", *lines, stdout=out)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, json.loads(out.getvalue())


def test_the_icao_specimen_parses_and_every_check_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, report = _run(*TD3, monkeypatch=monkeypatch)
    fields = report["fields"]
    assert (fields["surname"], fields["given_names"]) == ("ERIKSSON", "ANNA MARIA")
    assert fields["document_number"] == "L898902C3"
    assert fields["birth_date"]["date"] == "1974-08-12"
    names = [check["name"] for check in report["checks"]]
    assert len(names) == len(set(names)) >= 5
    assert all(isinstance(check["message"], str) and check["message"] for check in report["checks"])
    # The specimen is valid on paper; only whatever depends on today may fail.
    check_digits = [c for c in report["checks"] if "check_digit" in c["name"]]
    assert check_digits
    assert all(c["passed"] for c in check_digits)
    assert code in (0, 1)


def test_lines_on_stdin_work_and_a_corrupted_digit_fails_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = corrupt("\n".join(TD3), line=2, position=14)
    code, report = _run(stdin=bad + "\n", monkeypatch=monkeypatch)
    assert code == 1
    assert report["passed"] is False
    failed = [c["name"] for c in report["checks"] if not c["passed"]]
    assert any("birth" in name for name in failed), failed


def test_text_that_is_not_an_mrz_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    code, report = _run("HELLO", monkeypatch=monkeypatch)
    assert code == 1
    assert report["fields"] is None
    assert report["checks"][0]["message"]
