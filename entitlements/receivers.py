"""Reactions to lower apps' events: evidence withdrawn means the tokens built on it die."""

from __future__ import annotations

from typing import Any

from accounts import signals
from accounts.models import Organization, Sponsorship, User
from entitlements.services.revocations import users_tokens_void
from screening import signals as screening_signals


def on_sponsorship_revoked(
    sender: object,
    *,
    user: User,
    organization: Organization,
    reason: str,
    actor: User | None = None,
    **kwargs: Any,
) -> None:
    users_tokens_void(
        users=[user],
        reason=f"Sponsorship by {organization.legal_name} revoked: {reason}",
        actor=actor,
    )


def on_organization_suspended(
    sender: object,
    *,
    organization: Organization,
    reason: str,
    actor: User | None = None,
    **kwargs: Any,
) -> None:
    sponsored = User.objects.filter(
        sponsorships__organization=organization,
        sponsorships__status=Sponsorship.Status.SUSPENDED,
    ).distinct()
    users_tokens_void(
        users=list(sponsored),
        reason=f"{organization.legal_name} suspended: {reason}",
        actor=actor,
    )


def on_screening_hold(
    sender: object,
    *,
    users: list[User],
    organizations: list[Organization],
    reason: str,
    **kwargs: Any,
) -> None:
    """A potential (or confirmed) restricted-party match: the subject's live tokens die.

    For an organisation, everyone it sponsors loses the tokens that carry it.
    """
    sponsored = User.objects.filter(
        sponsorships__organization__in=organizations,
        sponsorships__status=Sponsorship.Status.ACTIVE,
    ).distinct()
    everyone = {user.pk: user for user in [*users, *sponsored]}
    users_tokens_void(users=list(everyone.values()), reason=reason)


def connect() -> None:
    screening_signals.subjects_held.connect(
        on_screening_hold, dispatch_uid="entitlements.screening_subjects_held"
    )
    signals.sponsorship_revoked.connect(
        on_sponsorship_revoked, dispatch_uid="entitlements.sponsorship_revoked"
    )
    signals.organization_suspended.connect(
        on_organization_suspended, dispatch_uid="entitlements.organization_suspended"
    )
