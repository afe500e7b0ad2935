"""Reads about people and organisations, always scoped by who is asking."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ApiKey, Membership, Organization, Sponsorship, User
from idverify.errors import NotFound, PermissionDenied
from idverify.ids import uuid_or_not_found

# Roles that run an organisation's account: people, invitations, enrolment.
# A signing official is an admin who may also sign for the organisation.
MANAGER_ROLES = frozenset({Membership.Role.ORG_ADMIN, Membership.Role.SIGNING_OFFICIAL})


def is_compliance_officer(user: User) -> bool:
    """A compliance officer of the operator organisation: reviews and directives, service-wide."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        role=Membership.Role.COMPLIANCE_OFFICER,
        organization__kind=Organization.Kind.OPERATOR,
    ).exists()


def organization_list(*, viewer: User) -> QuerySet[Organization]:
    """The organisations the viewer belongs to (all of them, for a compliance officer)."""
    if is_compliance_officer(viewer):
        return Organization.objects.all().order_by("legal_name")
    return Organization.objects.filter(memberships__user=viewer).distinct().order_by("legal_name")


def organization_get(*, viewer: User, public_id: str) -> Organization:
    """One organisation the viewer may see; anything else is "not found", never "forbidden".

    Answering 404 rather than 403 does not tell an outsider that the id exists.
    """
    wanted = uuid_or_not_found(public_id, what="organisation")
    try:
        return organization_list(viewer=viewer).get(public_id=wanted)
    except Organization.DoesNotExist:
        raise NotFound("No such organisation.") from None


def organization_role(*, user: User, organization: Organization) -> str | None:
    return (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )


def can_manage(*, user: User, organization: Organization) -> bool:
    return organization_role(user=user, organization=organization) in MANAGER_ROLES


def is_signing_official(*, user: User, organization: Organization) -> bool:
    role = organization_role(user=user, organization=organization)
    return role == Membership.Role.SIGNING_OFFICIAL


def organization_get_managed(*, viewer: User, public_id: str, write: bool = False) -> Organization:
    """An organisation the viewer runs. Outsiders get 404, its plain members 403.

    A compliance officer may read every organisation's records (``write=False``)
    but does not enrol or invite on a customer's behalf.
    """
    organization = organization_get(viewer=viewer, public_id=public_id)
    if can_manage(user=viewer, organization=organization):
        return organization
    if not write and is_compliance_officer(viewer):
        return organization
    raise PermissionDenied("Only the organisation's admins and signing officials can do this.")


def signing_officials(*, organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(
        organization=organization, role=Membership.Role.SIGNING_OFFICIAL
    ).select_related("user")


def membership_get(*, viewer: User, organization: Organization, user_public_id: str) -> Membership:
    wanted = uuid_or_not_found(user_public_id, what="member")
    try:
        return membership_list(viewer=viewer, organization=organization).get(user__public_id=wanted)
    except Membership.DoesNotExist:
        raise NotFound("No such member.") from None


def membership_list(*, viewer: User, organization: Organization) -> QuerySet[Membership]:
    """Members of an organisation: its admins and compliance officers see everyone;
    a plain member sees only their own membership; others see nothing."""
    members = Membership.objects.filter(organization=organization).select_related("user")
    if is_compliance_officer(viewer):
        return members.order_by("user__email")
    role = organization_role(user=viewer, organization=organization)
    if role in MANAGER_ROLES or role == Membership.Role.COMPLIANCE_OFFICER:
        return members.order_by("user__email")
    if role is not None:
        return members.filter(user=viewer)
    return members.none()


def api_key_list(*, viewer: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=viewer).order_by("-created_at")


def sponsorship_active(*, user: User, at: datetime | None = None) -> Sponsorship | None:
    """The sponsorship that currently vouches for the user, if any (latest expiry first).

    Only a verified organisation's unexpired, unrevoked sponsorship counts.
    """
    now = at or timezone.now()
    return (
        Sponsorship.objects.filter(
            user=user,
            status=Sponsorship.Status.ACTIVE,
            starts_at__lte=now,
            expires_at__gt=now,
            organization__status=Organization.Status.VERIFIED,
        )
        .select_related("organization")
        .order_by("-expires_at")
        .first()
    )
