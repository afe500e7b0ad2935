"""The document-type mapping in force: which MRZ documents support which status.

The shipped table is ``attestations/mrz/data/document_rules.json``; an operator
may replace it with ``IDV_DOCUMENT_RULES_FILE`` (same format) without a release,
for a document fact not yet confirmed. Its digest tells the periodic re-check
(``entitlements.services.rechecks``) that the mapping changed, so documents that
passed under the old one are checked against the new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from attestations.mrz import DocumentRule, DocumentRulesError, parse_document_rules


def document_rules_text() -> str:
    """The mapping's text: the operator's file when set, else the shipped table."""
    path = settings.IDV_DOCUMENT_RULES_FILE
    if path:
        return Path(path).read_text("utf-8")
    shipped = resources.files("attestations.mrz").joinpath("data/document_rules.json")
    return shipped.read_text("utf-8")


@lru_cache(maxsize=4)
def _parsed(text: str) -> tuple[DocumentRule, ...]:
    return parse_document_rules(text)


def document_rules() -> tuple[DocumentRule, ...]:
    """The rules in force (a malformed operator file raises ``DocumentRulesError``)."""
    return _parsed(document_rules_text())


def document_rules_digest() -> str:
    """SHA-256 of the mapping's rules, independent of whitespace and key order."""
    rules = sorted(
        (
            rule.document_type.value,
            rule.code_prefix,
            rule.issuer,
            sorted(status.value for status in rule.statuses),
            sorted(rule.exclude_issuers),
        )
        for rule in document_rules()
    )
    return hashlib.sha256(repr(rules).encode()).hexdigest()


@register()
def check_document_rules_file(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """A replacement mapping that cannot be read stops start-up, not a person's upload."""
    if not settings.IDV_DOCUMENT_RULES_FILE:
        return []
    try:
        document_rules()
    except (OSError, UnicodeDecodeError, DocumentRulesError) as error:
        return [
            Error(
                f"IDV_DOCUMENT_RULES_FILE={settings.IDV_DOCUMENT_RULES_FILE} cannot be used: "
                f"{error}.",
                hint="Give a JSON file in the format of attestations/mrz/data/"
                "document_rules.json, or unset it to use the shipped table.",
                id="attestations.E001",
            )
        ]
    return []
