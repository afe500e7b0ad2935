"""Separation of duties: nobody sponsors, approves, verifies, restores or promotes themselves.

Every act that raises someone's standing (a sponsorship, a document approval,
an organisation's verification, access restored, a role granted) needs an
actor other than its subject. The services call these two checks, so the API,
the web pages and the admin all inherit them; both raise ``SelfApproval``
(code ``self_approval``, 403).
"""

from __future__ import annotations

from accounts.models import Membership, Organization, User
from idverify.errors import SelfApproval


def require_other_person(*, actor: User, subject: User | int | None, message: str) -> None:
    """Refuse the act when its actor is its subject (a user or a user's primary key)."""
    subject_pk = subject.pk if isinstance(subject, User) else subject
    if subject_pk is not None and subject_pk == actor.pk:
        raise SelfApproval(message)


def require_outsider(*, actor: User, organization: Organization, message: str) -> None:
    """Refuse an act on an organisation the actor registered or belongs to."""
    if (
        organization.registered_by_id == actor.pk
        or Membership.objects.filter(organization=organization, user=actor).exists()
    ):
        raise SelfApproval(message)


# Standing by role: moving someone up this list is a grant.
_RANK: dict[str, int] = {
    Membership.Role.MEMBER: 0,
    Membership.Role.ORG_ADMIN: 1,
    Membership.Role.SIGNING_OFFICIAL: 2,
    Membership.Role.COMPLIANCE_OFFICER: 3,
}


def require_no_self_promotion(
    *, actor: User | None, user: User, current: str | None, role: str
) -> None:
    """Refuse a person granting themselves a role above the one they hold (or any role,
    when they hold none). Stepping down is allowed."""
    if actor is None or actor.pk != user.pk:
        return
    if current is None or _RANK.get(role, 0) > _RANK.get(current, 0):
        raise SelfApproval(
            "You cannot give yourself a role or a higher one; another signing official "
            "or admin must grant it."
        )
