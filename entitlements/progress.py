"""The status page's "what each model needs" table, from the same rules decide() uses.

Location is left out: it depends on where the next request comes from, so the
table says what the person's evidence allows; a request can still be refused
for its place.
"""

from __future__ import annotations

from collections.abc import Sequence

from accounts.models import User
from attestations.progress import TierNeed
from attestations.selectors import VerificationStatus
from entitlements.models import Assurance, DirectiveState, ModelTier
from entitlements.policy import (
    ATTEST,
    ORGANISATIONS,
    directive_and_evidence_reasons,
    screening_state,
)

# The words of the link to each step's page.
_LINK_TEXT = {
    ATTEST: "Sign your attestation",
    "document-new": "Add a document",
    ORGANISATIONS: "See your organisations",
}


def _needs(tier: ModelTier) -> str:
    parts = [f"verification level {max(1, tier.min_level)}"]
    if tier.us_person_required or tier.directive_state == DirectiveState.US_PERSONS_ONLY:
        parts.append("U.S.-person status")
    if tier.sponsorship_required:
        parts.append("sponsorship by a verified organisation")
    if tier.min_assurance != Assurance.NONE:
        parts.append(f"identity assurance {tier.get_min_assurance_display()}")
    if tier.directive_state == DirectiveState.SUSPENDED:
        return "Suspended for everyone by a compliance directive"
    # Only the first letter: str.capitalize() would lower "U.S." to "u.s.".
    sentence = ", ".join(parts)
    return sentence[:1].upper() + sentence[1:]


def tier_needs(user: User, status: VerificationStatus) -> Sequence[TierNeed]:
    needs = []
    # A restricted-party hold stops every model, whatever the evidence says.
    _, held = screening_state(user, status.organization_id)
    for tier in ModelTier.objects.order_by("slug"):
        reasons = [*held, *directive_and_evidence_reasons(tier, status)]
        first = reasons[0] if reasons else None
        needs.append(
            TierNeed(
                name=tier.name,
                needs=_needs(tier),
                met=not reasons,
                explanation=first.message if first else "You meet what this model needs.",
                url=first.path if first else "",
                link_text=_LINK_TEXT.get(first.step, "") if first else "",
            )
        )
    return needs
