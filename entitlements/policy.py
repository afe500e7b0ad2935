"""``decide``: the one place that says whether a person may use a model tier.

Pure apart from reading the person's current evidence (verification level,
sponsorship, revocations); the caller supplies the request's geo signals and
records the outcome. Reason codes are stable and machine-readable; every
message is a sentence the refused person understands, ending with what they
can do next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from attestations.evidence import IAL_ORDER, ial_rank
from attestations.models import US_PERSON_STATUSES
from attestations.selectors import VerificationStatus
from entitlements import token_store
from entitlements.models import DirectiveState, ModelTier
from geo.location_signals import GeoSignals
from geo.places import PlaceEvaluation, PlaceRule, evaluate
from geo.selectors import embargoed_place_rules, local_addresses_allowed

# Stable reason codes (part of the API: clients branch on them).
DIRECTIVE_SUSPENDED = "directive.suspended"
DIRECTIVE_US_PERSONS_ONLY = "directive.us_persons_only"
LEVEL_TOO_LOW = "level.too_low"
ASSURANCE_TOO_LOW = "assurance.too_low"
US_PERSON_REQUIRED = "us_person.required"
SPONSORSHIP_REQUIRED = "sponsorship.required"
USER_REVOKED = "user.revoked"
USER_TOKENS_JUST_REVOKED = "user.tokens_just_revoked"
SCREENING_POTENTIAL_MATCH = "screening.potential_match"
SCREENING_CONFIRMED = "screening.confirmed_match"
ONE_SECOND = timedelta(seconds=1)
# Geo reasons keep the geo app's own codes (geo.embargoed_country, geo.anonymizer, ...).

# What to do next, by the person's level: a sentence naming the page (as the site's
# header names it) and the URL name of the page that does it.
NEXT_STEP = {
    0: (
        "Sign your U.S.-person attestation on the Verification page to reach level 1.",
        "attest-start",
    ),
    1: (
        (
            "Add a U.S. passport or another document that shows your status on the "
            "Verification page, or ask a signing official of your organisation to sponsor "
            "you, to reach level 2."
        ),
        "document-new",
    ),
    2: (
        (
            "To reach level 3, add a document for a compliance officer to review on the "
            "Verification page, or have your organisation sponsor you as well as your "
            "checked document."
        ),
        "document-new",
    ),
}
ATTEST = "attest-start"
ORGANISATIONS = "organizations"


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    # The URL name of the page where the person takes the step the message names.
    step: str = ""

    @property
    def path(self) -> str:
        """The site path of the step's page ("" when there is nothing to do on the site)."""
        return reverse(self.step) if self.step else ""

    def as_dict(self) -> dict[str, str]:
        """What decision records keep: the stable code and the sentence."""
        return {"code": self.code, "message": self.message}

    def as_api_dict(self) -> dict[str, str]:
        """What a refused program is told: with the step's address, when there is one."""
        body = self.as_dict()
        if self.step:
            body["url"] = settings.IDV_BASE_URL + self.path
        return body


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[Reason, ...]
    # The entitlement claims (sub, aud, usp, org, ial, evd, geo, epoch) when allowed, else empty.
    claims: dict[str, Any] = field(default_factory=dict)
    status: VerificationStatus | None = None
    geo: PlaceEvaluation | None = None
    # The restricted-party lists in force when this was decided ("" before any import).
    screening_version: str = ""

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]


def place_rules(tier: ModelTier) -> list[PlaceRule]:
    """The places a tier refuses: the embargoed list (when it applies) plus its own codes."""
    rules = list(embargoed_place_rules()) if tier.block_embargoed_places else []
    listed = {rule.code for rule in rules}
    for code in tier.blocked_places:
        if code not in listed:
            rules.append(PlaceRule(code=code, name=code, regime=f"model tier {tier.slug}"))
    return rules


def _directive_reasons(tier: ModelTier, status: VerificationStatus) -> list[Reason]:
    if tier.directive_state == DirectiveState.SUSPENDED:
        return [
            Reason(
                DIRECTIVE_SUSPENDED,
                f"Access to {tier.name} is suspended for everyone by a compliance directive. "
                "Nothing on your side can change that; try again later.",
            )
        ]
    if tier.directive_state == DirectiveState.US_PERSONS_ONLY and not status.is_us_person:
        return [
            Reason(
                DIRECTIVE_US_PERSONS_ONLY,
                f"{tier.name} is open only to U.S. persons under a compliance directive, and "
                "you have no current attestation that you are one. If you are, sign your "
                "U.S.-person attestation on the Verification page.",
                ATTEST,
            )
        ]
    return []


def _evidence_reasons(tier: ModelTier, status: VerificationStatus) -> list[Reason]:
    reasons: list[Reason] = []
    attested_non_us = status.status is not None and status.status not in US_PERSON_STATUSES
    if tier.us_person_required and attested_non_us:
        # The level does not matter then; asking them to verify more would mislead.
        return [
            Reason(
                US_PERSON_REQUIRED,
                f"{tier.name} is available only to U.S. persons, and your attestation says "
                "you are not one. If your status has changed, sign a new attestation on the "
                "Verification page.",
                ATTEST,
            )
        ]
    needed = max(1, tier.min_level)
    if status.level < needed:
        sentence, step = NEXT_STEP[status.level]
        reasons.append(
            Reason(
                LEVEL_TOO_LOW,
                f"{tier.name} needs verification level {needed}; yours is {status.level}. "
                + sentence,
                step,
            )
        )
    needed_ial = ial_rank(tier.min_assurance)
    if ial_rank(status.assurance.ial) < needed_ial:
        # The gaps up to the tier's assurance (not those above it) name the missing evidence.
        gaps = status.assurance.gaps
        missing = gaps[: len(gaps) - (len(IAL_ORDER) - 1 - needed_ial)]
        reasons.append(
            Reason(
                ASSURANCE_TOO_LOW,
                f"{tier.name} needs identity assurance {tier.min_assurance}; the evidence you "
                f"have gives {status.assurance.ial}. " + " ".join(missing),
                "document-new" if status.level >= 1 else ATTEST,
            )
        )
    if tier.sponsorship_required and status.organization_id is None:
        reasons.append(
            Reason(
                SPONSORSHIP_REQUIRED,
                f"{tier.name} needs sponsorship by a verified organisation. Ask a signing "
                "official of your organisation to sponsor you; the Organisations page names "
                "them.",
                ORGANISATIONS,
            )
        )
    return reasons


def directive_and_evidence_reasons(tier: ModelTier, status: VerificationStatus) -> list[Reason]:
    """What the tier's directive and requirements say about this evidence (no place, no time)."""
    return [*_directive_reasons(tier, status), *_evidence_reasons(tier, status)]


def _revocation_reasons(facts: token_store.TokenFacts, now: datetime) -> list[Reason]:
    """A withdrawal by an officer, or a cutoff still ahead (a token signed now would die)."""
    if facts.withdrawn_at is not None:
        return [
            Reason(
                USER_REVOKED,
                f"A compliance officer withdrew your access to models on "
                f"{facts.withdrawn_at:%Y-%m-%d}. "
                "Contact your compliance team to have it restored.",
            )
        ]
    if facts.cutoff_at is not None:
        wait = max(1, math.ceil((facts.cutoff_at - now).total_seconds()) + 1)
        return [
            Reason(
                USER_TOKENS_JUST_REVOKED,
                "Your tokens were revoked a moment ago because your evidence changed. "
                f"Ask again in {wait} seconds.",
            )
        ]
    return []


def screening_state(user: User, organization_id: UUID | None) -> tuple[str, list[Reason]]:
    """The lists' version, and why a restricted-party hold refuses (never which list)."""
    version, person, organisation = token_store.screening_holds(
        user=user, organization_id=organization_id
    )
    return version, _screening_reasons(person, organisation)


def _screening_reasons(person: int | None, organisation: int | None) -> list[Reason]:
    if person == 2:
        return [
            Reason(
                SCREENING_CONFIRMED,
                "A compliance officer has withdrawn your access to models after a compliance "
                "check. Contact your compliance team.",
            )
        ]
    if person or organisation:
        whose = "your details" if person else "the organisation that sponsors you"
        return [
            Reason(
                SCREENING_POTENTIAL_MATCH,
                f"Your access to models is on hold while a compliance officer completes a "
                f"routine check of {whose}. You need not do anything; ask again once it is "
                "finished, or contact your compliance team.",
            )
        ]
    return []


def token_request_read(user: User, slug: str) -> tuple[ModelTier | None, token_store.TokenFacts]:
    """The tier called ``slug`` (None: no such tier) and what ``decide`` reads about
    ``user``, in one statement: a token request's one read."""
    now = timezone.now()
    # A token signed within a cutoff's second would carry iat <= cutoff.
    return token_store.tier_and_token_facts(slug=slug, user=user, at=now, since=now - ONE_SECOND)


def decide(
    user: User, tier: ModelTier, signals: GeoSignals, facts: token_store.TokenFacts | None = None
) -> Decision:
    """Whether ``user`` may have a token for ``tier`` now, and why not; ``facts``, if
    given, are ``token_request_read``'s, read as of the moment of deciding."""
    if facts is None:
        at = timezone.now()
        facts = token_store.token_facts(user=user, at=at, since=at - ONE_SECOND)
    elif facts.user_id != user.pk:
        raise ValueError("the facts given were read for another person")
    now = facts.at
    status = facts.status
    rules = place_rules(tier)
    geo = evaluate(
        signals,
        blocked_places=rules,
        anonymizers_allowed=tier.anonymizers_allowed,
        # Without a location, a tier that refuses places cannot tell, so it refuses.
        fail_closed=bool(rules),
        local_allowed=local_addresses_allowed(),
    )
    screening_version = facts.screening_version
    reasons = [
        *_revocation_reasons(facts, now),
        *_screening_reasons(facts.person_hold, facts.organization_hold),
        *directive_and_evidence_reasons(tier, status),
        *(Reason(r.code, r.message) for r in geo.blocking_reasons),
    ]
    if reasons:
        return Decision(
            allowed=False,
            reasons=tuple(reasons),
            status=status,
            geo=geo,
            screening_version=screening_version,
        )
    claims: dict[str, Any] = {
        "sub": str(user.public_id),
        "aud": tier.slug,
        "usp": {"status": status.status, "level": status.level, "basis": status.basis},
        "org": str(status.organization_id) if status.organization_id else None,
        # What stands behind the status: the assurance and the check_method codes of
        # the evidence it rests on (attestations.evidence, docs/tokens.md).
        "ial": status.assurance.ial,
        "evd": status.assurance.methods,
        "geo": {
            "country": signals.country,
            "subdivision": signals.subdivisions[0] if signals.subdivisions else None,
        },
        "epoch": tier.epoch,
    }
    return Decision(
        allowed=True,
        reasons=(),
        claims=claims,
        status=status,
        geo=geo,
        screening_version=screening_version,
    )
