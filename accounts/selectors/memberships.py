"""Who belongs to an organisation and as what: the role checks the other reads and the
services ask (runs it, signs for it), the member list, and a person's memberships."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.db import router
from django.db.models import QuerySet

from accounts.models import Membership, Organization, User
from accounts.selectors.users import MANAGER_ROLES, is_compliance_officer
from idverify.errors import NotFound, PermissionDenied
from idverify.prepared import fetch_values, model_fields
from idverify.recent_reads import RecentReads
from idverify.url_ids import uuid_or_not_found


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


def require_signing_official(*, user: User, organization: Organization) -> None:
    """Refuse (PermissionDenied) unless ``user`` signs for ``organization``: the one rule
    for acts that bind it (sponsorships, SCIM tokens and mapping, single sign-on)."""
    if not is_signing_official(user=user, organization=organization):
        raise PermissionDenied("Only a signing official of the organisation can do this.")


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


_MEMBERSHIP_COLUMNS = (
    *model_fields(Organization, "public_id", "legal_name"),
    *model_fields(Membership, "role"),
)

_MEMBERSHIPS_SQL = (
    "SELECT o.public_id, o.legal_name, m.role"  # noqa: S608 - value is a parameter
    f" FROM {Membership._meta.db_table} m"
    f" JOIN {Organization._meta.db_table} o ON o.id = m.organization_id"
    " WHERE m.user_id = %s ORDER BY m.id"
)


def membership_roles(*, user: User) -> list[tuple[UUID, str, str]]:
    """(organisation public id, legal name, role) of each of ``user``'s memberships, in
    the order they were made: what ``GET /api/v1/me`` lists, as one prepared statement
    (``idverify.prepared``; a test holds it to the ORM's answer)."""
    rows = fetch_values(
        _MEMBERSHIP_COLUMNS, _MEMBERSHIPS_SQL, [user.pk], using=router.db_for_read(Membership)
    )
    return [(org, name, role) for org, name, role in rows]


Roles = tuple[tuple[UUID, str, str], ...]
# Each person's memberships as this process read them in the last
# IDV_API_KEY_CACHE_SECONDS: a changed membership, organisation or person is
# forgotten here at once (accounts.apps), and seen by other processes when
# their copy lapses. A write that bypassed the models' signals (QuerySet.update,
# bulk or raw SQL; none does today) would be seen here only when it lapses too.
recent_roles: RecentReads[int, Roles] = RecentReads(
    "accounts.memberships", lambda: settings.IDV_API_KEY_CACHE_SECONDS
)


def membership_roles_recent(*, user: User) -> Roles:
    """``membership_roles`` as read in the last few seconds: what ``GET /api/v1/me``,
    asked many times a second by a machine, lists."""
    roles = recent_roles.get(user.pk, lambda: tuple(membership_roles(user=user)))
    return () if roles is None else roles
