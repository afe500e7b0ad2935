"""What a person's verification status means for them, and what to do next, in plain words.

``tier_needs`` is a hook: the entitlements app registers a provider that
lists each model tier and what it needs; without one, the status page shows
the level and the next step only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from attestations.models import Attestation, Document, UsPersonStatus
from attestations.selectors import VerificationStatus
from attestations.wording import rejection_for_person

RENEW_WITHIN = timedelta(days=30)

LEVEL_MEANING = {
    0: "Not verified: there is no valid attestation.",
    1: "Level 1: you have signed an attestation.",
    2: "Level 2: your attestation is backed by a checked document or by your organisation.",
    3: "Level 3: your attestation is backed by a document a compliance officer approved, "
    "or by both a checked document and your organisation.",
}


@dataclass(frozen=True)
class NextStep:
    text: str
    link_text: str = ""
    url: str = ""


@dataclass(frozen=True)
class TierNeed:
    """One model tier and whether the person meets what it needs."""

    name: str
    needs: str
    met: bool
    explanation: str = ""
    # The page where the step the explanation names is taken, and the link's words.
    url: str = ""
    link_text: str = ""


TierNeedsProvider = Callable[[User, VerificationStatus], Sequence[TierNeed]]
_providers: list[TierNeedsProvider] = []


def register_tier_needs(provider: TierNeedsProvider) -> TierNeedsProvider:
    """Called by the entitlements app at start-up to list tiers on the status page."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def tier_needs(user: User, status: VerificationStatus) -> list[TierNeed]:
    return [need for provider in _providers for need in provider(user, status)]


def _document_step(document: Document, attestation: Attestation) -> NextStep | None:
    url = reverse("document-detail", args=[document.public_id])
    verified = document.status in (Document.Status.PASSED, Document.Status.APPROVED)
    if verified and document.identity_fingerprint != attestation.identity_fingerprint:
        return NextStep(
            "Your document was not checked against the name and date of birth in your "
            "current attestation, so it does not count for it. Upload a document that "
            "shows the name and date of birth you attest now, or ask your organisation "
            "to sponsor you.",
            "Upload a document",
            reverse("document-new"),
        )
    if document.status == Document.Status.NEEDS_INPUT:
        return NextStep(
            "We could not read your document automatically. Type its machine-readable lines.",
            "Type the lines",
            url,
        )
    if document.status == Document.Status.PROCESSING:
        return NextStep(
            "We are reading your document. This usually takes under a minute.",
            "See the document",
            url,
        )
    if document.status == Document.Status.NEEDS_REVIEW:
        return NextStep(
            "A compliance officer will look at your document. You will see the outcome here.",
            "See the document",
            url,
        )
    if document.status == Document.Status.REJECTED:
        return NextStep(
            f"Your document was not accepted. {rejection_for_person(document)} You can also "
            "ask your organisation to sponsor you.",
            "Add another document",
            reverse("document-new"),
        )
    return None


def _without_attestation(last_attestation: Attestation | None) -> NextStep:
    attest = reverse("attest-start")
    if last_attestation is not None and last_attestation.expires_at <= timezone.now():
        return NextStep(
            f"Your attestation expired on {last_attestation.expires_at:%Y-%m-%d}. Renew it "
            "to keep your access.",
            "Renew your attestation",
            attest,
        )
    return NextStep("Sign your attestation. It takes about two minutes.", "Start", attest)


def _for_level(
    status: VerificationStatus, attestation: Attestation, pending: NextStep | None
) -> NextStep:
    if attestation.expires_at - timezone.now() < RENEW_WITHIN:
        return NextStep(
            f"Your attestation expires on {attestation.expires_at:%Y-%m-%d}. Renew it now.",
            "Renew your attestation",
            reverse("attest-start"),
        )
    if status.level == 1:
        return pending or NextStep(
            "Upload an identity document (for example a U.S. passport or green card), or ask "
            "your organisation to sponsor you, to reach level 2.",
            "Upload a document",
            reverse("document-new"),
        )
    if status.level == 2:
        return NextStep(
            "You are verified at level 2. Models that need level 3 also need a document "
            "approved by a compliance officer, or both a checked document and sponsorship by "
            "your organisation. Add a document for an officer to review, or ask a signing "
            "official of your organisation to sponsor you.",
            "Add a document for review",
            reverse("document-new"),
        )
    return NextStep(
        f"You are fully verified until {attestation.expires_at:%Y-%m-%d}. Nothing more is needed."
    )


def next_step(
    *,
    status: VerificationStatus,
    attestation: Attestation | None,
    last_attestation: Attestation | None,
    latest_document: Document | None,
) -> NextStep:
    if attestation is None:
        return _without_attestation(last_attestation)
    if attestation.status == UsPersonStatus.NOT_US_PERSON:
        return NextStep(
            "Nothing more is needed. Models open to everyone are available to you. If your "
            "status changes, sign a new attestation.",
            "Sign a new attestation",
            reverse("attest-start"),
        )
    pending = _document_step(latest_document, attestation) if latest_document else None
    if status.level == 0:
        return pending or NextStep(
            "We could not confirm your location when you signed. Upload an identity document "
            "and a compliance officer will review it, or sign again without a VPN or proxy.",
            "Upload a document",
            reverse("document-new"),
        )
    return _for_level(status, attestation, pending)
