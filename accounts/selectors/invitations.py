"""An organisation's invitations, for those who run it and compliance officers."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Invitation, Organization, User
from accounts.selectors.memberships import can_manage
from accounts.selectors.users import is_compliance_officer
from idverify.url_ids import get_by_public_id


def invitation_list(*, viewer: User, organization: Organization) -> QuerySet[Invitation]:
    """An organisation's invitations, for its admins and compliance officers only."""
    invitations = Invitation.objects.filter(organization=organization).select_related("invited_by")
    if can_manage(user=viewer, organization=organization) or is_compliance_officer(viewer):
        return invitations.order_by("-created_at")
    return invitations.none()


def invitation_get(*, viewer: User, organization: Organization, public_id: str) -> Invitation:
    invitations = invitation_list(viewer=viewer, organization=organization)
    return get_by_public_id(invitations, public_id, what="invitation")
