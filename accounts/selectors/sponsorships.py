"""Sponsorships: those that vouch for a person now (what verification levels count), an
organisation's list, and the members its roster marks for one."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Membership, Organization, RosterEntry, Sponsorship, User
from accounts.selectors.memberships import can_manage, organization_role
from accounts.selectors.users import is_compliance_officer
from idverify.url_ids import get_by_public_id


def sponsorships_counting(*, at: datetime) -> QuerySet[Sponsorship]:
    """Sponsorships that vouch for their person at ``at``: active, in their period,
    given by a verified organisation."""
    return Sponsorship.objects.filter(
        status=Sponsorship.Status.ACTIVE,
        starts_at__lte=at,
        expires_at__gt=at,
        organization__status=Organization.Status.VERIFIED,
    )


def sponsorship_active(*, user: User, at: datetime | None = None) -> Sponsorship | None:
    """The sponsorship that currently vouches for the user, if any (latest expiry first)."""
    return (
        sponsorships_counting(at=at or timezone.now())
        .filter(user=user)
        .select_related("organization")
        .order_by("-expires_at")
        .first()
    )


def sponsorship_list(*, viewer: User, organization: Organization) -> QuerySet[Sponsorship]:
    """Its admins and compliance officers see all; a member sees their own; others nothing."""
    sponsorships = Sponsorship.objects.filter(organization=organization).select_related(
        "user", "sponsored_by"
    )
    if can_manage(user=viewer, organization=organization) or is_compliance_officer(viewer):
        return sponsorships.order_by("-starts_at")
    if organization_role(user=viewer, organization=organization) is not None:
        return sponsorships.filter(user=viewer).order_by("-starts_at")
    return sponsorships.none()


def sponsorship_get(*, viewer: User, organization: Organization, public_id: str) -> Sponsorship:
    sponsorships = sponsorship_list(viewer=viewer, organization=organization)
    return get_by_public_id(sponsorships, public_id, what="sponsorship")


def sponsorship_candidates(*, viewer: User, organization: Organization) -> QuerySet[Membership]:
    """Members the roster marks for sponsorship who have no active sponsorship yet (never
    the viewer: nobody sponsors themselves)."""
    if not can_manage(user=viewer, organization=organization):
        return Membership.objects.none()
    flagged = RosterEntry.objects.filter(
        organization=organization, sponsor=True, user__isnull=False
    ).values("user_id")
    sponsored = Sponsorship.objects.filter(
        organization=organization, status=Sponsorship.Status.ACTIVE
    ).values("user_id")
    return (
        Membership.objects.filter(organization=organization, user_id__in=flagged)
        .exclude(user_id__in=sponsored)
        .exclude(user=viewer)
        .select_related("user")
        .order_by("user__email")
    )
