"""Changing who runs an organisation: roles and removal of members.

An org admin manages members and other admins; granting or taking away
signing authority is a signing official's act, and the last signing
official cannot step down (the organisation would be left unable to sponsor
or revoke).
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import Membership, Organization, RosterEntry, Sponsorship, User
from accounts.selectors.memberships import organization_role
from accounts.selectors.users import MANAGER_ROLES
from accounts.separation import require_no_self_promotion
from accounts.services.sponsorships import sponsorship_revoke
from audit.services import audit_record
from idverify.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

ASSIGNABLE_ROLES = (
    Membership.Role.MEMBER,
    Membership.Role.ORG_ADMIN,
    Membership.Role.SIGNING_OFFICIAL,
)


def _require_manager(actor: User, organization: Organization) -> str:
    role = organization_role(user=actor, organization=organization)
    if role not in MANAGER_ROLES:
        raise PermissionDenied("Only the organisation's admins and signing officials can do this.")
    return str(role)


def _locked_membership(organization: Organization, user: User) -> Membership:
    try:
        return Membership.objects.select_for_update().get(organization=organization, user=user)
    except Membership.DoesNotExist:
        raise NotFound("That person is not a member of the organisation.") from None


def _refuse_leaving_without_signer(organization: Organization, membership: Membership) -> None:
    if membership.role != Membership.Role.SIGNING_OFFICIAL:
        return
    others = (
        Membership.objects.select_for_update()
        .filter(organization=organization, role=Membership.Role.SIGNING_OFFICIAL)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise Conflict(
            "This is the organisation's only signing official; appoint another one first."
        )


def membership_role_set(
    *, actor: User, organization: Organization, user: User, role: str
) -> Membership:
    if role not in ASSIGNABLE_ROLES:
        raise ValidationFailed(
            fields={"role": ["Choose member, organisation admin or signing official."]}
        )
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        actor_role = _require_manager(actor, organization)
        membership = _locked_membership(organization, user)
        if membership.role == role:
            return membership
        if membership.role == Membership.Role.COMPLIANCE_OFFICER:
            raise PermissionDenied("Compliance officers are managed by the operator.")
        require_no_self_promotion(actor=actor, user=user, current=membership.role, role=role)
        touches_signing = Membership.Role.SIGNING_OFFICIAL in (role, membership.role)
        if touches_signing and actor_role != Membership.Role.SIGNING_OFFICIAL:
            raise PermissionDenied(
                "Only a signing official can appoint or remove a signing official."
            )
        _refuse_leaving_without_signer(organization, membership)
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            action="membership.changed",
            actor=actor,
            subject_type="user",
            subject_id=user.public_id,
            organization_id=organization.public_id,
            data={"role": role, "previous_role": previous},
        )
    return membership


def membership_remove(*, actor: User, organization: Organization, user: User) -> None:
    """Remove a member; their sponsorship by this organisation is revoked with it."""
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        actor_role = _require_manager(actor, organization)
        membership = _locked_membership(organization, user)
        if membership.role == Membership.Role.COMPLIANCE_OFFICER:
            raise PermissionDenied("Compliance officers are managed by the operator.")
        if (
            membership.role == Membership.Role.SIGNING_OFFICIAL
            and actor_role != Membership.Role.SIGNING_OFFICIAL
        ):
            raise PermissionDenied("Only a signing official can remove a signing official.")
        _refuse_leaving_without_signer(organization, membership)
        sponsorship = Sponsorship.objects.filter(
            organization=organization, user=user, status=Sponsorship.Status.ACTIVE
        ).first()
        if sponsorship is not None:
            if actor_role != Membership.Role.SIGNING_OFFICIAL:
                raise PermissionDenied(
                    "This person is sponsored; a signing official must remove them so the "
                    "sponsorship is revoked on the record."
                )
            sponsorship_revoke(
                actor=actor, sponsorship=sponsorship, reason="Removed from the organisation."
            )
        membership.delete()
        RosterEntry.objects.filter(organization=organization, user=user).update(user=None)
        audit_record(
            action="membership.removed",
            actor=actor,
            subject_type="user",
            subject_id=user.public_id,
            organization_id=organization.public_id,
            data={"role": membership.role},
        )
