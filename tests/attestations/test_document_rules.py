"""The document-type mapping an operator may replace (IDV_DOCUMENT_RULES_FILE)."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_django.fixtures import Settings

from attestations.document_rules import (
    check_document_rules_file,
    document_rules,
    document_rules_digest,
)
from attestations.mrz import default_document_rules


def test_without_a_file_the_shipped_table_is_in_force(settings: Settings) -> None:
    settings.IDV_DOCUMENT_RULES_FILE = None
    assert document_rules() == default_document_rules()
    assert check_document_rules_file(None) == []


def test_a_replacement_changes_the_digest_but_not_its_formatting(
    settings: Settings, tmp_path: Path
) -> None:
    settings.IDV_DOCUMENT_RULES_FILE = None
    shipped = document_rules_digest()
    table = json.loads(
        (
            Path(__file__).resolve().parents[2] / "attestations/mrz/data/document_rules.json"
        ).read_text()
    )
    same = tmp_path / "same.json"
    same.write_text(json.dumps(table, indent=None, sort_keys=True))
    settings.IDV_DOCUMENT_RULES_FILE = str(same)
    assert document_rules_digest() == shipped
    table["rules"] = table["rules"][1:]
    fewer = tmp_path / "fewer.json"
    fewer.write_text(json.dumps(table))
    settings.IDV_DOCUMENT_RULES_FILE = str(fewer)
    assert document_rules_digest() != shipped
    assert len(document_rules()) == len(default_document_rules()) - 1


def test_a_file_that_cannot_be_used_stops_start_up_with_its_reason(
    settings: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "rules.json"
    broken.write_text('{"rules": [{"document_type": "us_passport"}]}')
    settings.IDV_DOCUMENT_RULES_FILE = str(broken)
    (error,) = check_document_rules_file(None)
    assert error.id == "attestations.E001"
    assert "document rule 1 lacks" in error.msg
    settings.IDV_DOCUMENT_RULES_FILE = str(tmp_path / "missing.json")
    (missing,) = check_document_rules_file(None)
    assert "No such file" in missing.msg
