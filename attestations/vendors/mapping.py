"""What a document a vendor verified evidences (DOMAIN.md, "Which documents evidence which status").

Vendors name documents by kind (passport, driving licence, identity card)
and issuing country, not by the U.S. document types DOMAIN.md lists, so only
the pairs below can be mapped with confidence:

- a U.S. passport (book) evidences U.S. nationality: citizens, and the
  non-citizen nationals it is also issued to;
- a U.S. driving licence or state identity card is issued to residents
  whatever their status (and Stripe does not tell a passport card from a state
  card), so it evidences no U.S.-person status;
- a foreign passport shows a foreign nationality; the temporary I-551 stamp
  that would make it evidence of permanent residence is not something the
  vendor checks, so it goes nowhere automatically;
- a Permanent Resident Card, Refugee Travel Document or certificate is not a
  document type the vendor verifies: those go through the document upload
  and a compliance officer.
"""

from __future__ import annotations

from attestations.countries import country_name
from attestations.models import UsPersonStatus
from attestations.vendors.base import VerifiedDocument

# (kind, issuing country) -> the attested statuses such a verified document evidences.
EVIDENCED: dict[tuple[str, str], frozenset[str]] = {
    ("passport", "US"): frozenset({UsPersonStatus.US_CITIZEN, UsPersonStatus.US_NATIONAL}),
}
KIND_WORDS = {"passport": "passport", "driving_license": "driving licence", "id_card": "ID card"}


def statuses_evidenced(document: VerifiedDocument) -> frozenset[str]:
    return EVIDENCED.get((document.kind, document.issuing_country), frozenset())


def describe(document: VerifiedDocument) -> str:
    """E.g. "a U.S. passport", "a passport of France"."""
    kind = KIND_WORDS.get(document.kind, document.kind.replace("_", " ") or "document")
    if document.issuing_country == "US":
        return f"a U.S. {kind}"
    country = country_name(document.issuing_country) if document.issuing_country else "unknown"
    return f"a {kind} of {country}"


def why_not_evidence(document: VerifiedDocument, attested_status: str) -> str:
    """Why a verified document does not evidence the attested status, for the person."""
    described = describe(document)
    what = described[:1].upper() + described[1:]
    if statuses_evidenced(document):
        return (
            f"{what} shows U.S. nationality, but your attestation says you are a "
            f"{UsPersonStatus(attested_status).label.lower()}. If your status is U.S. "
            "citizen or national, sign a new attestation; otherwise upload your own "
            "status document (for example a green card) for review."
        )
    if document.issuing_country == "US":
        return (
            f"{what} is issued to U.S. residents whatever their status, so it "
            "does not show that you are a U.S. person. Verify with a U.S. passport, or upload "
            "a status document (for example a green card) for review."
        )
    return (
        f"{what} shows a nationality other than the United States, not a U.S. "
        "status. Verify with a U.S. passport, or upload a status document (for example a "
        "green card) for review."
    )
