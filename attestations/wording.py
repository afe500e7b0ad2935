"""What the person is told about their document, in their words, not the officers'.

Check identifiers (``document_number_check_digit``) and the officers' menu of
decision reasons ("Reject: ...") stay in the API and the review console; the
person's pages use the titles and sentences here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from attestations.models import Document, DocumentDecisionReason
from attestations.services.checks import REFUSING_CHECKS

CHECK_TITLES: dict[str, str] = {
    "format": "The lines' layout",
    "document_number_check_digit": "Document number",
    "birth_date_check_digit": "Date of birth in the lines",
    "expiry_date_check_digit": "Expiry date in the lines",
    "personal_number_check_digit": "Personal number",
    "composite_check_digit": "The lines as a whole",
    "dates_valid": "Real dates",
    "document_not_expired": "Still valid",
    "document_supports_status": "Shows your status",
    "document_type_matches": "The kind of document you chose",
    "name_matches": "Your name",
    "birth_date_matches": "Your date of birth",
    "nationality_consistent": "Your nationality",
    "image_resolution": "Photo large enough",
    "image_sharpness": "Photo sharp",
    "image_glare": "No glare",
    "page_whole": "The whole page in the photo",
    "page_proportions": "The page's shape",
    "portrait_present": "The holder's photo",
    "printed_surname": "Printed surname",
    "printed_given_names": "Printed given names",
    "printed_document_number": "Printed document number",
    "printed_birth_date": "Printed date of birth",
    "printed_expiry_date": "Printed expiry date",
    "printed_nationality": "Printed nationality",
}

# Why a document was not accepted, and what the person can do.
REJECTION_FOR_PERSON: dict[str, str] = {
    DocumentDecisionReason.UNREADABLE: (
        "The compliance officer could not read the document. Upload a sharp photo or scan "
        "of the whole page, in good light and without glare."
    ),
    DocumentDecisionReason.WRONG_DOCUMENT: (
        "The document does not show the status you attested. Upload a document that does, "
        "or ask your organisation to sponsor you."
    ),
    DocumentDecisionReason.NAME_OR_BIRTH_DATE_MISMATCH: (
        "The name or date of birth on the document does not match your attestation. If "
        "your attestation has a mistake, correct it and upload the document again; if your "
        "name has changed, upload a document with your current name."
    ),
    DocumentDecisionReason.EXPIRED: (
        "The document has expired. Upload a document that is still valid."
    ),
    DocumentDecisionReason.SUSPECTED_ALTERATION: (
        "The compliance officer could not accept the document as genuine. Upload a photo "
        "or scan of the original document, unedited."
    ),
    DocumentDecisionReason.OTHER: "The compliance officer's note below says why.",
}


@dataclass(frozen=True)
class CheckRow:
    title: str
    name: str
    passed: bool
    message: str


def check_rows(checks: Iterable[Mapping[str, Any]]) -> list[CheckRow]:
    """A document's stored checks with a title a person understands."""
    return [
        CheckRow(
            title=CHECK_TITLES.get(str(check["name"]), str(check["name"]).replace("_", " ")),
            name=str(check["name"]),
            passed=bool(check["passed"]),
            message=str(check["message"]),
        )
        for check in checks
    ]


def rejection_for_person(document: Document) -> str:
    """Why the document was not accepted and what to do, for the person who sent it.

    A document refused by the automatic checks (no officer decided) is explained by
    those checks' own sentences, which name what was found and what to choose instead.
    """
    if document.reviewed_by_id is None:
        failed = [
            check["message"]
            for check in document.checks
            if not check["passed"] and check["name"] in REFUSING_CHECKS
        ]
        if failed:
            return " ".join(failed)
    return REJECTION_FOR_PERSON.get(document.decision_reason, REJECTION_FOR_PERSON["other"])
