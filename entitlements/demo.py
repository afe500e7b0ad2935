"""Demo tiers and two demo people for the quick start (``manage.py seed_demo``).

Runs after ``accounts.demo`` (it needs the demo compliance officer). The U.S.
person holds a signed attestation and a passport that passed the automated
checks (level 2), so they can obtain a ``fable-5`` token; the other person
attests they are not a U.S. person and is refused it.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, DemoLogin, demo_user
from accounts.models import User
from attestations.models import Attestation, Document, DocumentType, UsPersonStatus
from entitlements.models import DirectiveState, ModelTier
from entitlements.services.tiers import tier_create, tier_directive_set

US_PERSON_EMAIL = "citizen@demo.example"
NON_US_PERSON_EMAIL = "visitor@demo.example"
OFFICER_EMAIL = "officer@operator.example"

TIERS: dict[str, dict[str, Any]] = {
    "fable-5": {
        "name": "Fable 5",
        "description": "Frontier model; U.S. persons with a checked document or sponsorship.",
        "min_level": 2,
        "us_person_required": True,
    },
    "mythos-5": {
        "name": "Mythos 5",
        "description": "Restricted model; level 3 and organisation sponsorship.",
        "min_level": 3,
        "us_person_required": True,
        "sponsorship_required": True,
    },
}


def _attest(user: User, status: str, *, country: str, citizenships: list[str]) -> Attestation:
    current = Attestation.objects.filter(user=user, state=Attestation.State.ACTIVE).first()
    if current is not None and current.status == status and current.expires_at > timezone.now():
        return current
    Attestation.objects.filter(user=user, state=Attestation.State.ACTIVE).update(
        state=Attestation.State.SUPERSEDED
    )
    given, _, family = user.full_name.partition(" ")
    text = f"demo declaration: {status}"
    return Attestation.objects.create(
        user=user,
        status=status,
        given_names=given,
        family_name=family,
        date_of_birth=date(1985, 5, 17),
        country_of_birth=country,
        citizenships=citizenships,
        signature_name=user.full_name,
        perjury_acknowledged=True,
        declaration_version="demo",
        declaration_sha256=hashlib.sha256(text.encode()).hexdigest(),
        expires_at=timezone.now() + timedelta(days=365),
        geo_clean=True,
    )


def _passport(user: User, attestation: Attestation) -> None:
    if Document.objects.filter(
        user=user, status=Document.Status.PASSED, supports_status=attestation.status
    ).exists():
        return
    Document.objects.create(
        user=user,
        attestation=attestation,
        document_type=DocumentType.US_PASSPORT,
        status=Document.Status.PASSED,
        supports_status=attestation.status,
        document_expires_on=timezone.now().date() + timedelta(days=5 * 365),
        checks=[{"name": "demo", "passed": True, "message": "Demo data: no real document."}],
        decided_at=timezone.now(),
    )


@transaction.atomic
def seed() -> list[DemoLogin]:
    officer = User.objects.get(email=OFFICER_EMAIL)
    for slug, requirements in TIERS.items():
        if not ModelTier.objects.filter(slug=slug).exists():
            tier_create(actor=officer, slug=slug, **requirements)
    mythos = ModelTier.objects.get(slug="mythos-5")
    if mythos.directive_state != DirectiveState.US_PERSONS_ONLY:
        tier_directive_set(
            actor=officer,
            slug="mythos-5",
            state=DirectiveState.US_PERSONS_ONLY,
            reason="Demo: an emergency order limits this model to U.S. persons.",
        )

    citizen = demo_user(US_PERSON_EMAIL, "Morgan Citizen")
    attestation = _attest(citizen, UsPersonStatus.US_CITIZEN, country="US", citizenships=["US"])
    _passport(citizen, attestation)
    visitor = demo_user(NON_US_PERSON_EMAIL, "Robin Visitor")
    _attest(visitor, UsPersonStatus.NOT_US_PERSON, country="GB", citizenships=["GB"])

    return [
        DemoLogin("verified U.S. person (gets fable-5 tokens)", citizen.email, DEMO_PASSWORD),
        DemoLogin("non-U.S. person (refused fable-5)", visitor.email, DEMO_PASSWORD),
    ]
