"""ICAO 9303 machine-readable zones: parsing, check digits and consistency with a claim.

Plain Python (no Django), so a Celery task, a management command and the
benchmark can all use it.
"""

from attestations.mrz.checkdigit import check_digit
from attestations.mrz.consistency import (
    Claim,
    birth_date_matches,
    check_claim,
    document_not_expired,
    document_supports_status,
    document_type_matches,
    name_matches,
    nationality_consistent,
)
from attestations.mrz.normalise import MrzInputError, normalise_mrz
from attestations.mrz.parser import parse_mrz
from attestations.mrz.report import (
    JsonValue,
    check_to_json,
    fields_to_json,
    mrz_check_report,
    mrz_report,
)
from attestations.mrz.rules import (
    DocumentRule,
    DocumentRulesError,
    default_document_rules,
    parse_document_rules,
)
from attestations.mrz.types import Check, MrzDate, MrzFields, MrzFormat, MrzName, MrzReading
from attestations.mrz.vocabulary import DocumentType, Status

__all__ = [
    "Check",
    "Claim",
    "DocumentRule",
    "DocumentRulesError",
    "DocumentType",
    "JsonValue",
    "MrzDate",
    "MrzFields",
    "MrzFormat",
    "MrzInputError",
    "MrzName",
    "MrzReading",
    "Status",
    "birth_date_matches",
    "check_claim",
    "check_digit",
    "check_to_json",
    "default_document_rules",
    "document_not_expired",
    "document_supports_status",
    "document_type_matches",
    "fields_to_json",
    "mrz_check_report",
    "mrz_report",
    "name_matches",
    "nationality_consistent",
    "normalise_mrz",
    "parse_document_rules",
    "parse_mrz",
]
