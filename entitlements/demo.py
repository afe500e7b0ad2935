"""Demo tiers for the quick start (``manage.py seed_demo``).

Runs after ``accounts.demo`` (the demo compliance officer sets the
directives) and ``attestations.demo`` (its level-2 citizen can obtain a
``fable-5`` token; its non-U.S. person is refused one).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.demo import DEMO_PASSWORD, DemoLogin
from accounts.models import User
from entitlements.models import DirectiveState, ModelTier
from entitlements.services.tiers import tier_create, tier_directive_set

US_PERSON_EMAIL = "citizen@demo.example"
CLEARED_EMAIL = "cleared@acme.example"
NON_US_PERSON_EMAIL = "visitor@demo.example"
TYPED_ONLY_EMAIL = "typed@demo.example"
OFFICER_EMAIL = "officer@operator.example"

TIERS: dict[str, dict[str, Any]] = {
    "fable-5": {
        "name": "Fable 5",
        "description": (
            "Frontier model; U.S. persons with a document read from its image or a verified "
            "organisation's sponsorship (IAL1)."
        ),
        "min_level": 2,
        "us_person_required": True,
        "min_assurance": "ial1",
    },
    "mythos-5": {
        "name": "Mythos 5",
        "description": (
            "Restricted model; a document a compliance officer reviewed (IAL2-equivalent) "
            "and organisation sponsorship."
        ),
        "min_level": 3,
        "us_person_required": True,
        "sponsorship_required": True,
        "min_assurance": "ial2",
    },
}


@transaction.atomic
def seed() -> list[DemoLogin]:
    officer = User.objects.get(email=OFFICER_EMAIL)
    for slug, requirements in TIERS.items():
        if not ModelTier.objects.filter(slug=slug).exists():
            tier_create(
                actor=officer, slug=slug, reason="Demo: an example model tier.", **requirements
            )
    mythos = ModelTier.objects.get(slug="mythos-5")
    if mythos.directive_state != DirectiveState.US_PERSONS_ONLY:
        tier_directive_set(
            actor=officer,
            slug="mythos-5",
            state=DirectiveState.US_PERSONS_ONLY,
            reason="Demo: an emergency order limits this model to U.S. persons.",
        )

    # The people come from attestations.demo (it runs first): a level-2 citizen, one
    # with typed lines only, a person who is not a U.S. person, and one with an
    # officer-reviewed passport and Acme's sponsorship. Here they get their tier labels.
    citizen = User.objects.get(email=US_PERSON_EMAIL)
    visitor = User.objects.get(email=NON_US_PERSON_EMAIL)
    typist = User.objects.get(email=TYPED_ONLY_EMAIL)
    cleared = User.objects.get(email=CLEARED_EMAIL)
    return [
        DemoLogin(
            "reviewed passport + Acme sponsorship (gets mythos-5)", cleared.email, DEMO_PASSWORD
        ),
        DemoLogin("verified U.S. person (gets fable-5 tokens)", citizen.email, DEMO_PASSWORD),
        DemoLogin("typed lines only (refused fable-5: no assurance)", typist.email, DEMO_PASSWORD),
        DemoLogin("non-U.S. person (refused fable-5)", visitor.email, DEMO_PASSWORD),
    ]
