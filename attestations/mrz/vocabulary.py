"""The statuses a person attests and the document types the service accepts."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    US_CITIZEN = "us_citizen"
    US_NATIONAL = "us_national"
    LAWFUL_PERMANENT_RESIDENT = "lawful_permanent_resident"
    REFUGEE = "refugee"
    ASYLEE = "asylee"
    NOT_US_PERSON = "not_us_person"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def phrase(self) -> str:
        """Completes "you are ...": "a U.S. citizen", "not a U.S. person"."""
        return _STATUS_PHRASES[self]


class DocumentType(StrEnum):
    US_PASSPORT = "us_passport"
    US_PASSPORT_CARD = "us_passport_card"
    PERMANENT_RESIDENT_CARD = "permanent_resident_card"
    CERTIFICATE_OF_NATURALIZATION = "certificate_of_naturalization"
    CERTIFICATE_OF_CITIZENSHIP = "certificate_of_citizenship"
    CONSULAR_REPORT_OF_BIRTH_ABROAD = "consular_report_of_birth_abroad"
    BIRTH_CERTIFICATE = "birth_certificate"
    REFUGEE_TRAVEL_DOCUMENT = "refugee_travel_document"
    I94 = "i94"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _DOCUMENT_LABELS[self]

    @property
    def phrase(self) -> str:
        """The label with its article: "a U.S. passport", "an I-94 ..."."""
        if self is DocumentType.OTHER:
            return "another kind of document"
        # By sound, not spelling: "a U.S. passport", "an I-94".
        article = "an" if self is DocumentType.I94 else "a"
        return f"{article} {self.label}"


_STATUS_LABELS = {
    Status.US_CITIZEN: "U.S. citizen",
    Status.US_NATIONAL: "U.S. national",
    Status.LAWFUL_PERMANENT_RESIDENT: "lawful permanent resident",
    Status.REFUGEE: "refugee",
    Status.ASYLEE: "asylee",
    Status.NOT_US_PERSON: "not a U.S. person",
}

_STATUS_PHRASES = {
    Status.US_CITIZEN: "a U.S. citizen",
    Status.US_NATIONAL: "a U.S. national",
    Status.LAWFUL_PERMANENT_RESIDENT: "a lawful permanent resident",
    Status.REFUGEE: "a refugee",
    Status.ASYLEE: "an asylee",
    Status.NOT_US_PERSON: "not a U.S. person",
}

_DOCUMENT_LABELS = {
    DocumentType.US_PASSPORT: "U.S. passport",
    DocumentType.US_PASSPORT_CARD: "U.S. passport card",
    DocumentType.PERMANENT_RESIDENT_CARD: "Permanent Resident Card (I-551)",
    DocumentType.CERTIFICATE_OF_NATURALIZATION: "Certificate of Naturalization",
    DocumentType.CERTIFICATE_OF_CITIZENSHIP: "Certificate of Citizenship",
    DocumentType.CONSULAR_REPORT_OF_BIRTH_ABROAD: "Consular Report of Birth Abroad",
    DocumentType.BIRTH_CERTIFICATE: "birth certificate",
    DocumentType.REFUGEE_TRAVEL_DOCUMENT: "Refugee Travel Document (I-571)",
    DocumentType.I94: "I-94 arrival/departure record",
    DocumentType.OTHER: "other document",
}
