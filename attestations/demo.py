"""Demo attestations and documents for the quick start (``manage.py seed_demo``).

Each person has the evidence that explains their outcome (attestations.evidence):
a U.S. citizen whose passport was read from its image and passed its checks
(level 2, IAL1), a U.S. citizen with only typed machine-readable lines (level 1,
no assurance: typed lines prove consistency, not the document), a person who is
not a U.S. person, a document waiting in the review queue, and a U.S. citizen
whose passport a compliance officer approved and whom Acme Robotics sponsors
(``accounts.demo``): level 3, IAL2-equivalent, the evidence ``mythos-5`` asks for.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.demo import CLEARED_EMAIL, DEMO_PASSWORD, OFFICER_EMAIL, DemoLogin, demo_user
from accounts.models import User
from attestations.identity import identity_fingerprint
from attestations.models import (
    Attestation,
    Document,
    DocumentDecisionReason,
    DocumentType,
    ReviewReason,
    UsPersonStatus,
)
from attestations.selectors import declaration_current


def _attest(
    user: User, *, status: str, given: str, family: str, born: dt.date, citizenships: list[str]
) -> Attestation:
    current = Attestation.objects.filter(user=user, state=Attestation.State.ACTIVE).first()
    if current is not None:
        return current
    declaration = declaration_current()
    now = timezone.now()
    return Attestation.objects.create(
        user=user,
        status=status,
        given_names=given,
        family_name=family,
        date_of_birth=born,
        country_of_birth=citizenships[0],
        citizenships=citizenships,
        signature_name=f"{given} {family}",
        perjury_acknowledged=True,
        declaration_version=declaration.version,
        declaration_sha256=declaration.sha256,
        signed_at=now,
        expires_at=now + timedelta(days=settings.IDV_ATTESTATION_VALIDITY_DAYS),
        geo_clean=True,
        identity_fingerprint=identity_fingerprint(
            family_name=family, given_names=given, date_of_birth=born
        ),
    )


@transaction.atomic
def seed() -> list[DemoLogin]:
    citizen = demo_user("citizen@demo.example", "Riley Citizen")
    attestation = _attest(
        citizen,
        status=UsPersonStatus.US_CITIZEN,
        given="Riley",
        family="Citizen",
        born=dt.date(1988, 5, 4),
        citizenships=["US"],
    )
    Document.objects.get_or_create(
        user=citizen,
        attestation=attestation,
        document_type=DocumentType.US_PASSPORT,
        defaults={
            "status": Document.Status.PASSED,
            "mrz_source": "ocr",
            "supports_status": UsPersonStatus.US_CITIZEN,
            "identity_fingerprint": attestation.identity_fingerprint,
            "document_expires_on": timezone.now().date() + timedelta(days=5 * 365),
            "checks": [
                {"name": "demo", "passed": True, "message": "Demo document: no real checks ran."}
            ],
            "decided_at": timezone.now(),
        },
    )

    typist = demo_user("typed@demo.example", "Tay Typist")
    typed_attestation = _attest(
        typist,
        status=UsPersonStatus.US_CITIZEN,
        given="Tay",
        family="Typist",
        born=dt.date(1990, 3, 14),
        citizenships=["US"],
    )
    Document.objects.get_or_create(
        user=typist,
        attestation=typed_attestation,
        document_type=DocumentType.US_PASSPORT,
        defaults={
            # Passed as IDV_TYPED_MRZ_PASSES=true would pass it: still no assurance.
            "status": Document.Status.PASSED,
            "mrz_source": "typed",
            "supports_status": UsPersonStatus.US_CITIZEN,
            "identity_fingerprint": typed_attestation.identity_fingerprint,
            "document_expires_on": timezone.now().date() + timedelta(days=5 * 365),
            "checks": [
                {"name": "demo", "passed": True, "message": "Demo document: no real checks ran."}
            ],
            "decided_at": timezone.now(),
        },
    )

    visitor = demo_user("visitor@demo.example", "Kim Visitor")
    _attest(
        visitor,
        status=UsPersonStatus.NOT_US_PERSON,
        given="Kim",
        family="Visitor",
        born=dt.date(1992, 1, 9),
        citizenships=["DE"],
    )

    pending = demo_user("pending@demo.example", "Sam Pending")
    pending_attestation = _attest(
        pending,
        status=UsPersonStatus.US_CITIZEN,
        given="Sam",
        family="Pending",
        born=dt.date(1979, 11, 23),
        citizenships=["US"],
    )
    Document.objects.get_or_create(
        user=pending,
        attestation=pending_attestation,
        document_type=DocumentType.BIRTH_CERTIFICATE,
        defaults={
            "status": Document.Status.NEEDS_REVIEW,
            "review_reasons": [ReviewReason.NO_MRZ],
        },
    )
    # Made by accounts.demo (which runs first) with Acme's sponsorship.
    cleared = User.objects.get(email=CLEARED_EMAIL)
    cleared_attestation = _attest(
        cleared,
        status=UsPersonStatus.US_CITIZEN,
        given="Morgan",
        family="Cleared",
        born=dt.date(1985, 7, 2),
        citizenships=["US"],
    )
    Document.objects.get_or_create(
        user=cleared,
        attestation=cleared_attestation,
        document_type=DocumentType.US_PASSPORT,
        defaults={
            "status": Document.Status.APPROVED,
            "mrz_source": "ocr",
            "supports_status": UsPersonStatus.US_CITIZEN,
            "identity_fingerprint": cleared_attestation.identity_fingerprint,
            "document_expires_on": timezone.now().date() + timedelta(days=5 * 365),
            "review_reasons": [ReviewReason.PORTRAIT_MISSING],
            "reviewed_by": User.objects.get(email=OFFICER_EMAIL),
            "decision_reason": DocumentDecisionReason.GENUINE_AND_MATCHING,
            "decision_note": "Demo: data page inspected; the portrait was under glare.",
            "decided_at": timezone.now(),
        },
    )
    return [
        DemoLogin("verified U.S. citizen (level 2, IAL1)", citizen.email, DEMO_PASSWORD),
        DemoLogin("U.S. citizen, typed lines only (level 1)", typist.email, DEMO_PASSWORD),
        DemoLogin("not a U.S. person (level 1)", visitor.email, DEMO_PASSWORD),
        DemoLogin("document waiting for review", pending.email, DEMO_PASSWORD),
        DemoLogin(
            "officer-reviewed passport + sponsorship (level 3, IAL2)", cleared.email, DEMO_PASSWORD
        ),
    ]
