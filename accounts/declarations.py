"""The organisation declaration: versioned text, signed by the registering admin.

A new wording gets a new version (and a new ``Declaration`` here); a stored
signature keeps the version and hash of the words it was given under.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Declaration:
    version: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


ORGANIZATION_2026_12 = Declaration(
    version="org-2026-12",
    text=(
        "I declare that I am authorised to act for the organisation named in this "
        "registration and that the details given for it (legal name, place of "
        "incorporation, Employer Identification Number, Unique Entity ID and website "
        "domain) are true and complete.\n\n"
        "I understand that the organisation may use this service to sponsor its staff as "
        "U.S. persons (U.S. citizens or nationals, lawful permanent residents, refugees and "
        "asylees). On behalf of the organisation I undertake that it will sponsor only "
        "people whose status as U.S. persons its own records show (for a U.S. employer, "
        "typically its Form I-9 files), that its signing officials will revoke a "
        "sponsorship without delay when those records change or the person leaves, and "
        "that it will keep the records it relied on for at least five years.\n\n"
        "I understand that a false statement may be a violation of U.S. export control "
        "law (15 CFR 764.2(g)) and of 18 U.S.C. 1001, and that the operator of this "
        "service may suspend the organisation and every sponsorship it has given."
    ),
)

CURRENT = ORGANIZATION_2026_12
