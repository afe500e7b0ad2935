"""What a SCIM record does to a person's standing in its organisation, and only there.

An active, linked record means a membership; membership of the group the
organisation mapped to sponsorship means a sponsorship, vouched for by the
signing official who made the mapping. Ending either (deactivation, deletion,
leaving the group) revokes it and voids the person's live tokens at once,
in the same transaction, through ``entitlements``' revocation path: a
verifier's next poll rejects them, whether or not a worker is running.

Every act is audited with its actor: the token, or the signing official who changed
the mapping. Nothing here reads or
writes another organisation's rows.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.models import Membership, Organization, RosterEntry, Sponsorship, User
from accounts.services.sponsorships import DEFAULT_PERIOD
from audit.services import AuditEntry, audit_record, audit_record_many
from entitlements.services.revocations import users_tokens_void
from scim.models import ScimSettings, ScimUser

# Roles the operator manages: an organisation's IdP never removes them.
_KEPT_ROLES = (Membership.Role.COMPLIANCE_OFFICER,)


def _void_tokens(*, actor: User | str, user: User, reason: str) -> None:
    users_tokens_void(users=[user], reason=reason, actor=actor)


def membership_ensure(*, actor: User | str, organization: Organization, user: User) -> bool:
    """The person is a member (their current role kept). True when this made them one."""
    _, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": Membership.Role.MEMBER}
    )
    if created:
        RosterEntry.objects.filter(
            organization=organization, email=user.email.lower(), user__isnull=True
        ).update(user=user)
        audit_record(
            action="membership.created",
            actor=actor,
            subject_type="user",
            subject_id=user.public_id,
            organization_id=organization.public_id,
            data={"role": Membership.Role.MEMBER, "via": "scim"},
        )
    return created


def standing_end(*, actor: User | str, record: ScimUser, why: str) -> None:
    """The IdP says the person has left (deactivated or deleted): end their membership and
    every sponsorship this organisation gave them, and void their live tokens."""
    user, organization = record.user, record.organization
    if user is None:
        return
    now = timezone.now()
    reason = f"{organization.legal_name}'s identity provider: {why}"
    revoked = list(
        Sponsorship.objects.select_for_update().filter(
            user=user, organization=organization, status=Sponsorship.Status.ACTIVE
        )
    )
    Sponsorship.objects.filter(pk__in=[s.pk for s in revoked]).update(
        status=Sponsorship.Status.REVOKED, revoked_at=now, revoked_reason=reason[:300]
    )
    membership = Membership.objects.filter(user=user, organization=organization).first()
    removed_role = None
    if membership is not None and membership.role not in _KEPT_ROLES:
        removed_role = membership.role
        membership.delete()
        RosterEntry.objects.filter(organization=organization, user=user).update(user=None)
    entries = [
        AuditEntry(
            "sponsorship.revoked",
            actor,
            "user",
            user.public_id,
            organization.public_id,
            {"sponsorship": s.public_id, "reason": reason, "via": "scim"},
        )
        for s in revoked
    ]
    if removed_role is not None:
        entries.append(
            AuditEntry(
                "membership.removed",
                actor,
                "user",
                user.public_id,
                organization.public_id,
                {"role": removed_role, "via": "scim"},
            )
        )
    if entries:
        audit_record_many(entries)
    _void_tokens(actor=actor, user=user, reason=reason)


def _refuse(actor: User | str, user: User, record: ScimUser, code: str, message: str) -> None:
    audit_record(
        action="scim.sponsorship_refused",
        actor=actor,
        subject_type="user",
        subject_id=user.public_id,
        organization_id=record.organization.public_id,
        data={"code": code, "message": message},
    )


def _sponsor(actor: User | str, user: User, record: ScimUser, settings: ScimSettings) -> None:
    organization = record.organization
    official = settings.configured_by
    if organization.status != Organization.Status.VERIFIED:
        return _refuse(
            actor, user, record, "organization_not_verified", "The organisation is not verified."
        )
    if (
        official is None
        or not Membership.objects.filter(
            user=official, organization=organization, role=Membership.Role.SIGNING_OFFICIAL
        ).exists()
    ):
        return _refuse(
            actor,
            user,
            record,
            "no_signing_official",
            "The signing official who mapped the group no longer holds that role; another "
            "signing official must confirm the mapping.",
        )
    if official.pk == user.pk:
        return _refuse(
            actor,
            user,
            record,
            "self_approval",
            "The signing official who mapped the group cannot sponsor themselves; another "
            "signing official must sponsor them.",
        )
    if Sponsorship.objects.filter(
        user=user, organization=organization, status=Sponsorship.Status.ACTIVE
    ).exists():
        return None  # a signing official already sponsors them by hand; leave that be
    expires_at = timezone.now() + DEFAULT_PERIOD
    sponsorship = Sponsorship.objects.create(
        user=user,
        organization=organization,
        sponsored_by=official,
        basis=settings.sponsor_basis,
        expires_at=expires_at,
    )
    record.sponsorship = sponsorship
    record.save(update_fields=["sponsorship"])
    audit_record(
        action="sponsorship.created",
        actor=actor,
        subject_type="user",
        subject_id=user.public_id,
        organization_id=organization.public_id,
        data={
            "sponsorship": sponsorship.public_id,
            "basis": settings.sponsor_basis,
            "expires_at": expires_at,
            "signing_official": official.public_id,
            "via": "scim",
            "group": settings.sponsor_group.public_id if settings.sponsor_group else None,
        },
    )
    return None


def _unsponsor(actor: User | str, user: User, record: ScimUser, sponsorship: Sponsorship) -> None:
    organization = record.organization
    reason = f"Left the sponsored group in {organization.legal_name}'s identity provider"
    sponsorship.status = Sponsorship.Status.REVOKED
    sponsorship.revoked_at = timezone.now()
    sponsorship.revoked_reason = reason[:300]
    sponsorship.save(update_fields=["status", "revoked_at", "revoked_reason"])
    audit_record(
        action="sponsorship.revoked",
        actor=actor,
        subject_type="user",
        subject_id=user.public_id,
        organization_id=organization.public_id,
        data={"sponsorship": sponsorship.public_id, "reason": reason, "via": "scim"},
    )
    _void_tokens(actor=actor, user=user, reason=reason)


def settings_of(organization: Organization) -> ScimSettings | None:
    return (
        ScimSettings.objects.select_related("configured_by", "sponsor_group")
        .filter(organization=organization)
        .first()
    )


def sponsorship_reconcile(
    *, actor: User | str, record: ScimUser, settings: ScimSettings | None
) -> None:
    """Give or take back the sponsorship the mapped group stands for, as it now says."""
    user = record.user
    if user is None:
        return
    wanted = bool(
        record.active is not False
        and settings is not None
        and settings.sponsor_group_id is not None
        and record.groups.filter(pk=settings.sponsor_group_id).exists()
        and Membership.objects.filter(user=record.user, organization=record.organization).exists()
    )
    current = (
        Sponsorship.objects.select_for_update()
        .filter(pk=record.sponsorship_id, status=Sponsorship.Status.ACTIVE)
        .first()
        if record.sponsorship_id
        else None
    )
    if wanted and current is None and settings is not None:
        _sponsor(actor, user, record, settings)
    elif not wanted and current is not None:
        _unsponsor(actor, user, record, current)
