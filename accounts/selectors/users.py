"""Who is asking: the signed-in person behind a request, and what their roles make them
(privileged, so held to a second factor; the service's compliance officer). The role
sets live here, below every other reads module, so each can import them."""

from __future__ import annotations

from typing import Any, Protocol

from accounts.models import Membership, Organization, User
from idverify.errors import PermissionDenied

# Roles that run an organisation's account: people, invitations, enrolment.
# A signing official is an admin who may also sign for the organisation.
MANAGER_ROLES = frozenset({Membership.Role.ORG_ADMIN, Membership.Role.SIGNING_OFFICIAL})

# Roles whose acts bind others (an organisation, or the whole service).
PRIVILEGED_ROLES = MANAGER_ROLES | {Membership.Role.COMPLIANCE_OFFICER}


class _Request(Protocol):
    user: Any


def request_user(request: _Request) -> User:
    """The signed-in person making ``request`` (a page's or DRF's): the one way views ask
    who is asking. ``login_required`` or ``IsAuthenticated`` has already refused anyone
    else; should a view lack them, this refuses too."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in to do this.")
    return user


def is_privileged(user: User) -> bool:
    """Whether the person must sign in with a second factor: the one place that says so.

    Compliance officers, signing officials and organisation admins (of any
    organisation, pending or suspended too: the role is what they could do), and
    staff, who can open the Django admin.
    """
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=PRIVILEGED_ROLES).exists()


def is_compliance_officer(user: User) -> bool:
    """A compliance officer of the operator organisation: reviews and directives, service-wide."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        role=Membership.Role.COMPLIANCE_OFFICER,
        organization__kind=Organization.Kind.OPERATOR,
    ).exists()
