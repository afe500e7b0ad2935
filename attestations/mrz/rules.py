"""The table of which MRZ documents support which status, kept as data an operator can replace."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from attestations.mrz.vocabulary import DocumentType, Status

ANY_ISSUER = "*"


@dataclass(frozen=True, slots=True)
class DocumentRule:
    document_type: DocumentType
    code_prefix: str
    issuer: str
    statuses: frozenset[Status]
    confirmed: bool
    note: str
    exclude_issuers: frozenset[str] = frozenset()

    def applies_to(self, *, document_code: str, issuer: str) -> bool:
        if not document_code.startswith(self.code_prefix):
            return False
        if self.issuer == ANY_ISSUER:
            return issuer not in self.exclude_issuers
        return self.issuer == issuer


class DocumentRulesError(ValueError):
    """The rule table is malformed; the message names the rule and the field."""


def _rule(index: int, entry: Any) -> DocumentRule:
    where = f"document rule {index + 1}"
    if not isinstance(entry, dict):
        raise DocumentRulesError(f"{where} is not an object")
    try:
        code_prefix = str(entry["code_prefix"]).upper()
        issuer = str(entry["issuer"]).upper()
        return DocumentRule(
            document_type=DocumentType(entry["document_type"]),
            code_prefix=code_prefix,
            issuer=issuer,
            statuses=frozenset(Status(status) for status in entry["statuses"]),
            confirmed=bool(entry.get("confirmed", False)),
            note=str(entry.get("note", "")),
            exclude_issuers=frozenset(
                str(code).upper() for code in entry.get("exclude_issuers", [])
            ),
        )
    except KeyError as missing:
        raise DocumentRulesError(f"{where} lacks {missing}") from None
    except (TypeError, ValueError) as error:
        raise DocumentRulesError(f"{where}: {error}") from None


def parse_document_rules(text: str) -> tuple[DocumentRule, ...]:
    """Read a rule table in the format of ``data/document_rules.json``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentRulesError(f"document rules are not valid JSON: {error}") from None
    entries = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise DocumentRulesError('document rules need a "rules" list')
    return tuple(_rule(index, entry) for index, entry in enumerate(entries))


@cache
def default_document_rules() -> tuple[DocumentRule, ...]:
    text = resources.files("attestations.mrz").joinpath("data/document_rules.json")
    return parse_document_rules(text.read_text("utf-8"))


def matching_rule(
    rules: tuple[DocumentRule, ...], *, document_code: str, issuer: str
) -> DocumentRule | None:
    """The most specific rule for an MRZ: longest code prefix, then exact issuer over ``*``."""
    candidates = [
        rule for rule in rules if rule.applies_to(document_code=document_code, issuer=issuer)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda rule: (len(rule.code_prefix), rule.issuer != ANY_ISSUER))
