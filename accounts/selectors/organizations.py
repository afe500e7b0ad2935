"""Organisations the viewer may see or runs, a registration's expiry, EIN conflicts, and
the declaration signed for each."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, QuerySet

from accounts.models import Organization, OrganizationDeclaration, User
from accounts.selectors.memberships import can_manage
from accounts.selectors.users import is_compliance_officer
from idverify.errors import PermissionDenied
from idverify.url_ids import get_by_public_id


def organization_list(*, viewer: User) -> QuerySet[Organization]:
    """The organisations the viewer belongs to (all of them, for a compliance officer)."""
    if is_compliance_officer(viewer):
        return Organization.objects.all().order_by("legal_name")
    return Organization.objects.filter(memberships__user=viewer).distinct().order_by("legal_name")


def organization_awaiting_verification_count(*, viewer: User) -> int:
    """Registrations a compliance officer has yet to verify (0 for anyone else)."""
    if not is_compliance_officer(viewer):
        return 0
    return Organization.objects.filter(
        kind=Organization.Kind.CUSTOMER, status=Organization.Status.PENDING
    ).count()


def organization_get(*, viewer: User, public_id: str) -> Organization:
    """One organisation the viewer may see; anything else is "not found", never "forbidden".

    Answering 404 rather than 403 does not tell an outsider that the id exists.
    """
    return get_by_public_id(organization_list(viewer=viewer), public_id, what="organisation")


def ein_holders(*, ein: str) -> QuerySet[Organization]:
    """Organisations holding ``ein``: pending, verified or suspended (closed ones released it)."""
    return Organization.objects.filter(ein=ein, status__in=Organization.EIN_HOLDING_STATUSES)


def pending_expires_at(organization: Organization) -> datetime | None:
    """When a pending registration expires if no officer has verified it."""
    if organization.status != Organization.Status.PENDING:
        return None
    return organization.created_at + timedelta(days=settings.IDV_PENDING_ORG_DAYS)


def organization_ein_conflicts(
    *, viewer: User, organization: Organization
) -> QuerySet[Organization]:
    """For a compliance officer: the other organisations holding this one's EIN (pending,
    verified or suspended), so both sides of a conflict are in view. Nobody else learns
    that another registration claims the EIN."""
    if not organization.ein or not is_compliance_officer(viewer):
        return Organization.objects.none()
    return (
        ein_holders(ein=organization.ein)
        .exclude(pk=organization.pk)
        .select_related("registered_by")
        .order_by("created_at")
    )


def ein_conflicts_all(*, viewer: User) -> frozenset[str]:
    """For a compliance officer: every EIN more than one organisation holds (for the list)."""
    if not is_compliance_officer(viewer):
        return frozenset()
    shared = (
        Organization.objects.filter(status__in=Organization.EIN_HOLDING_STATUSES)
        .exclude(ein="")
        .values("ein")
        .annotate(holders=Count("pk"))
        .filter(holders__gt=1)
        .values_list("ein", flat=True)
    )
    return frozenset(shared)


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


def declaration_latest(*, organization: Organization) -> OrganizationDeclaration | None:
    return (
        OrganizationDeclaration.objects.filter(organization=organization)
        .select_related("signed_by")
        .first()
    )
