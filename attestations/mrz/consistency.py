"""Checks that a parsed MRZ is consistent with what the person attested."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from attestations.mrz import countries
from attestations.mrz.names import name_part_matches
from attestations.mrz.rules import DocumentRule, default_document_rules, matching_rule
from attestations.mrz.types import Check, MrzFields
from attestations.mrz.vocabulary import DocumentType, Status

_US_STATUSES = frozenset({Status.US_CITIZEN, Status.US_NATIONAL})
_PROTECTED_STATUSES = frozenset({Status.REFUGEE, Status.ASYLEE})


@dataclass(frozen=True, slots=True)
class Claim:
    """What the person attested, and the document type they said they are showing.

    ``citizenships`` are ISO 3166-1 alpha-2 or alpha-3 codes, in any case.
    """

    status: Status
    family_name: str
    given_names: str
    birth_date: dt.date
    citizenships: tuple[str, ...]
    document_type: DocumentType
    today: dt.date


def _describe(fields: MrzFields, rule: DocumentRule | None = None) -> str:
    """What the MRZ says the document is, as "a U.S. passport" or "a passport issued by DEU"."""
    if rule is not None and rule.document_type is not DocumentType.OTHER:
        return rule.document_type.phrase
    if fields.document_code.startswith("P"):
        return f"a passport issued by {fields.issuer}"
    return f"a document issued by {fields.issuer} (document code {fields.document_code or '<'})"


def document_not_expired(*, fields: MrzFields, today: dt.date) -> Check:
    expiry = fields.expiry_date.value
    if expiry is None:
        return Check(
            "document_not_expired",
            False,
            f"The expiry date {fields.expiry_date.raw} is not a real date, so we cannot tell "
            "whether the document is still valid.",
        )
    if expiry < today:
        return Check(
            "document_not_expired",
            False,
            f"The document expired on {expiry.isoformat()}. Please use a document that is "
            "still valid.",
        )
    return Check("document_not_expired", True, f"The document is valid until {expiry.isoformat()}.")


def _documents_for(status: Status, rules: tuple[DocumentRule, ...]) -> str:
    labels = sorted(
        {rule.document_type.label for rule in rules if status in rule.statuses}
        - {DocumentType.OTHER.label}
    )
    if not labels:
        return "No document with machine-readable lines shows this status automatically."
    return "Documents whose machine-readable lines can show it: " + ", ".join(labels) + "."


def document_supports_status(
    *, fields: MrzFields, status: Status, rules: tuple[DocumentRule, ...] | None = None
) -> Check:
    rules = default_document_rules() if rules is None else rules
    rule = matching_rule(rules, document_code=fields.document_code, issuer=fields.issuer)
    if rule is not None and status in rule.statuses:
        caveat = (
            "" if rule.confirmed else " (this rule is not yet confirmed; an officer may review)"
        )
        return Check(
            "document_supports_status",
            True,
            f"The machine-readable lines belong to {_describe(fields, rule)}, which shows "
            f"that you are {status.phrase}{caveat}.",
        )
    return Check(
        "document_supports_status",
        False,
        f"The machine-readable lines belong to {_describe(fields, rule)}, which does not by "
        f"itself show that you are {status.phrase}. {_documents_for(status, rules)} A "
        "compliance officer can review other documents.",
    )


def document_type_matches(
    *,
    fields: MrzFields,
    document_type: DocumentType,
    rules: tuple[DocumentRule, ...] | None = None,
) -> Check:
    rules = default_document_rules() if rules is None else rules
    rule = matching_rule(rules, document_code=fields.document_code, issuer=fields.issuer)
    found = rule.document_type if rule else DocumentType.OTHER
    if found is document_type:
        return Check(
            "document_type_matches",
            True,
            f"The machine-readable lines belong to {_describe(fields, rule)}, which fits the "
            f"kind of document you chose ({document_type.label}).",
        )
    if document_type not in {rule.document_type for rule in rules}:
        return Check(
            "document_type_matches",
            False,
            f"You chose {document_type.phrase}, which has no machine-readable lines, but the "
            f"lines given belong to {_describe(fields, rule)}. Choose the kind of document "
            "the lines come from.",
        )
    return Check(
        "document_type_matches",
        False,
        f"You chose {document_type.phrase}, but the machine-readable lines belong to "
        f"{_describe(fields, rule)}. Choose the kind that matches your document.",
    )


def name_matches(*, fields: MrzFields, family_name: str, given_names: str) -> Check:
    name = fields.name
    shown = f"{name.surname}, {name.given_names}" if name.given_names else name.surname
    try:
        # Truncation cuts the given names first, so the surname is only cut short
        # when no given names are left in the field.
        surname_ok = name_part_matches(
            name.surname, family_name, truncated=name.truncated and not name.given_names
        )
        given_ok = name_part_matches(name.given_names, given_names, truncated=name.truncated)
    except ValueError as error:
        return Check(
            "name_matches",
            False,
            f"Your name contains {error.args[0]!r}, which machine-readable lines cannot show: "
            "give your name in Latin letters as printed on the document.",
        )
    if surname_ok and given_ok:
        cut = " (the document shortens it)" if name.truncated else ""
        return Check(
            "name_matches", True, f"The name on the document ({shown}) matches yours{cut}."
        )
    which = "family name" if not surname_ok else "given names"
    if not surname_ok and not given_ok:
        which = "name"
    return Check(
        "name_matches",
        False,
        f"The {which} on the document ({shown}) does not match the one you gave "
        f"({family_name}, {given_names}). Give your name exactly as printed on the document, "
        "with every given name.",
    )


def birth_date_matches(*, fields: MrzFields, birth_date: dt.date) -> Check:
    # Comparing the six printed digits sidesteps the century guess, which is
    # ambiguous for people aged about 100.
    raw = fields.birth_date.raw
    if not raw.isdigit():
        return Check(
            "birth_date_matches",
            False,
            f"The document does not show a full date of birth ({raw}); a compliance officer "
            "will compare it with yours.",
        )
    if raw == birth_date.strftime("%y%m%d"):
        return Check("birth_date_matches", True, "The date of birth matches the one you gave.")
    shown = fields.birth_date.value.isoformat() if fields.birth_date.value else raw
    return Check(
        "birth_date_matches",
        False,
        f"The document gives the date of birth as {shown}, but you gave {birth_date.isoformat()}.",
    )


def _citizenship_codes(citizenships: tuple[str, ...]) -> frozenset[str]:
    codes: set[str] = set()
    for citizenship in citizenships:
        codes |= countries.mrz_codes_for(citizenship)
    return frozenset(codes)


def nationality_consistent(
    *, fields: MrzFields, status: Status, citizenships: tuple[str, ...]
) -> Check:
    nationality = fields.nationality or "(none)"
    attested = ", ".join(code.upper() for code in citizenships) or "none"
    if status in _US_STATUSES:
        if nationality == countries.UNITED_STATES:
            return Check("nationality_consistent", True, "The document shows U.S. nationality.")
        return Check(
            "nationality_consistent",
            False,
            f"The document gives the nationality {nationality}, not USA, so it does not show "
            f"that you are {status.phrase}.",
        )
    if nationality == countries.UNITED_STATES:
        return Check(
            "nationality_consistent",
            False,
            f"The document shows U.S. nationality, which does not fit what you attested "
            f"(that you are {status.phrase}). Check the status in your attestation.",
        )
    if nationality in _citizenship_codes(citizenships):
        return Check(
            "nationality_consistent",
            True,
            f"The nationality on the document ({nationality}) is one of the citizenships you gave.",
        )
    if status in _PROTECTED_STATUSES and nationality in countries.stateless_or_refugee_codes():
        return Check(
            "nationality_consistent",
            True,
            f"The document shows the holder as stateless or a refugee ({nationality}).",
        )
    return Check(
        "nationality_consistent",
        False,
        f"The nationality on the document ({nationality}) is not among the citizenships you "
        f"gave ({attested}). Add every citizenship you hold to your attestation.",
    )


def check_claim(
    *, fields: MrzFields, claim: Claim, rules: tuple[DocumentRule, ...] | None = None
) -> tuple[Check, ...]:
    """Every consistency check, in a fixed order."""
    return (
        document_not_expired(fields=fields, today=claim.today),
        document_supports_status(fields=fields, status=claim.status, rules=rules),
        document_type_matches(fields=fields, document_type=claim.document_type, rules=rules),
        name_matches(fields=fields, family_name=claim.family_name, given_names=claim.given_names),
        birth_date_matches(fields=fields, birth_date=claim.birth_date),
        nationality_consistent(fields=fields, status=claim.status, citizenships=claim.citizenships),
    )
