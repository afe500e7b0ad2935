"""Provisioning people: create, replace (PUT and PATCH both end here) and delete.

Which account a new record stands for, and when it joins at once:

- the person is already a member: linked;
- the address lies in the organisation's proven domain
  (``Organization.domain_verified_at``): linked to the account with that
  address, created if there is none, and made a member;
- otherwise the person is invited and joins when they accept; until then the
  record is pending and no account is made. Nothing in the response tells an
  IdP which case it was, so a token cannot be used to learn who has an
  account here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Invitation, Membership, Organization, User
from accounts.queue import enqueue_on_commit
from accounts.selectors.domain_challenges import email_in_proven_domain
from accounts.services.invitations import SEND_TASK, clean_email, new_invitation
from audit.services import audit_record
from idverify.errors import NotFound, ValidationFailed
from scim.errors import UserNameTaken, VersionMismatch
from scim.models import ScimToken, ScimUser
from scim.services.standing import (
    membership_ensure,
    settings_of,
    sponsorship_reconcile,
    standing_end,
)

PROFILE_FIELDS = (
    "user_name",
    "external_id",
    "display_name",
    "formatted_name",
    "given_name",
    "family_name",
    "emails",
    "employee_number",
    "department",
)


@dataclass
class UserData:
    """A user as the IdP describes it, after the protocol layer has validated it."""

    user_name: str
    external_id: str = ""
    display_name: str = ""
    formatted_name: str = ""
    given_name: str = ""
    family_name: str = ""
    emails: list[dict[str, Any]] = field(default_factory=list)
    employee_number: str = ""
    department: str = ""
    # None: not stated (or removed); it counts as active, as SCIM's default.
    active: bool | None = True


def user_name_key(user_name: str) -> str:
    return user_name.strip().lower()


def _address(data: UserData) -> str:
    """The address that identifies the person: primary, else work, else any, else userName
    (blank when none of them is an address)."""
    emails = [e for e in data.emails if e.get("value")]
    chosen = (
        next((e for e in emails if e.get("primary")), None)
        or next((e for e in emails if str(e.get("type") or "").lower() == "work"), None)
        or (emails[0] if emails else None)
    )
    candidate = str(chosen["value"]) if chosen else data.user_name
    try:
        return clean_email(candidate)
    except ValidationFailed:
        if chosen is not None:
            raise  # an address that is not one (or starts like a spreadsheet formula)
        return ""


def _full_name(data: UserData) -> str:
    joined = " ".join(p for p in (data.given_name, data.family_name) if p)
    return (data.formatted_name or joined or data.display_name)[:200]


def _invite(token: ScimToken, organization: Organization, email: str) -> None:
    open_ = Invitation.objects.filter(
        organization=organization, email=email, accepted_at=None, revoked_at=None
    ).first()
    if open_ is not None and open_.expires_at > timezone.now():
        return
    if open_ is not None:
        open_.revoked_at = timezone.now()
        open_.save(update_fields=["revoked_at"])
    invitation = new_invitation(
        organization=organization, email=email, invited_by=None, role=Membership.Role.MEMBER
    )
    invitation.save()
    audit_record(
        action="invitation.created",
        actor=token.audit_actor,
        subject_type="invitation",
        subject_id=invitation.public_id,
        organization_id=organization.public_id,
        data={"email": email, "role": invitation.role, "via": "scim"},
    )
    enqueue_on_commit(SEND_TASK, [invitation.pk])


def _link(token: ScimToken, organization: Organization, email: str) -> User | None:
    """The account the new record stands for (created if need be); None while invited."""
    user = User.objects.filter(email__iexact=email).first()
    if (
        user is not None
        and Membership.objects.filter(user=user, organization=organization).exists()
    ):
        return user
    if not email_in_proven_domain(organization=organization, email=email):
        return None
    if user is None:
        user = User.objects.create_user(email=email, password=None)
        audit_record(
            action="user.created",
            actor=token.audit_actor,
            subject_type="user",
            subject_id=user.public_id,
            data={"via": "scim", "organization": organization.public_id},
        )
    return user


def _apply_profile(record: ScimUser, data: UserData) -> list[str]:
    changed = []
    for name in PROFILE_FIELDS:
        if getattr(record, name) != getattr(data, name):
            setattr(record, name, getattr(data, name))
            changed.append(name)
    record.user_name_key = user_name_key(data.user_name)
    record.emails_index = [
        {"type": str(e.get("type") or "").lower(), "value": str(e.get("value") or "").lower()}
        for e in data.emails
    ]
    record.emails_text = "\n".join(e["value"] for e in record.emails_index if e["value"])
    return changed


def _taken(organization: Organization, key: str, exclude: int | None = None) -> bool:
    others = ScimUser.objects.filter(organization=organization, user_name_key=key)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return others.exists()


def scim_user_create(*, token: ScimToken, data: UserData) -> ScimUser:
    organization = token.organization
    key = user_name_key(data.user_name)
    email = _address(data)
    try:
        # No lock: the unique constraints decide between two creations of one person.
        with transaction.atomic():
            if _taken(organization, key):
                raise UserNameTaken()
            user = _link(token, organization, email) if email else None
            if (
                user is not None
                and ScimUser.objects.filter(organization=organization, user=user).exists()
            ):
                raise UserNameTaken(
                    "This person is already provisioned in the organisation under another userName."
                )
            if user is not None and not user.full_name and _full_name(data):
                # Only an account SCIM just made (or one without a name) takes the IdP's name.
                User.objects.filter(pk=user.pk, full_name="").update(full_name=_full_name(data))
            record = ScimUser(
                organization=organization,
                user=user,
                email=email,
                active=data.active,
                provisioned_by=token,
            )
            _apply_profile(record, data)
            record.save()
            audit_record(
                action="scim.user.provisioned",
                actor=token.audit_actor,
                subject_type="scim_user",
                subject_id=record.public_id,
                organization_id=organization.public_id,
                data={
                    "user": user.public_id if user else None,
                    "userName": data.user_name,
                    "active": data.active,
                    "pending_invitation": user is None,
                },
            )
            if user is None:
                if data.active is not False and email:
                    _invite(token, organization, email)
            elif data.active is not False:
                membership_ensure(actor=token.audit_actor, organization=organization, user=user)
    except IntegrityError:
        # Two creations of one userName at the same moment: the unique index decides.
        raise UserNameTaken() from None
    return record


def _locked(token: ScimToken, public_id: str) -> ScimUser:
    record = (
        ScimUser.objects.select_for_update(of=("self",))
        .select_related("organization", "user")
        .filter(organization=token.organization, public_id=public_id)
        .first()
    )
    if record is None:
        raise NotFound("No such user in this organisation.")
    return record


def scim_user_replace(
    *, token: ScimToken, public_id: str, data: UserData, expected_version: int | None
) -> ScimUser:
    """The new state of a user (a PUT, or a PATCH already applied to the current state)."""
    with transaction.atomic():
        record = _locked(token, public_id)
        if expected_version is not None and record.version != expected_version:
            raise VersionMismatch()
        key = user_name_key(data.user_name)
        if key != record.user_name_key and _taken(record.organization, key, exclude=record.pk):
            raise UserNameTaken()
        changed = _apply_profile(record, data)
        was_active, active = record.active is not False, data.active is not False
        stated_changed = record.active != data.active
        record.active = data.active
        if not changed and not stated_changed:
            return record
        record.version += 1
        record.updated_at = timezone.now()
        record.save()
        audit_record(
            action=_action(was_active, active),
            actor=token.audit_actor,
            subject_type="scim_user",
            subject_id=record.public_id,
            organization_id=record.organization.public_id,
            data={"changed": changed, "user": record.user.public_id if record.user else None},
        )
        if was_active and not active:
            standing_end(actor=token.audit_actor, record=record, why="deactivated")
            _withdraw_invitation(record)
        elif active and not was_active:
            if record.user is not None:
                membership_ensure(
                    actor=token.audit_actor, organization=record.organization, user=record.user
                )
                sponsorship_reconcile(
                    actor=token.audit_actor,
                    record=record,
                    settings=settings_of(record.organization),
                )
            elif record.email:
                _invite(token, record.organization, record.email)
    return record


def _action(was_active: bool, active: bool) -> str:
    if was_active and not active:
        return "scim.user.deactivated"
    if active and not was_active:
        return "scim.user.reactivated"
    return "scim.user.updated"


def _withdraw_invitation(record: ScimUser) -> None:
    if record.user is None and record.email:
        Invitation.objects.filter(
            organization=record.organization, email=record.email, accepted_at=None, revoked_at=None
        ).update(revoked_at=timezone.now())


def scim_user_delete(*, token: ScimToken, public_id: str, expected_version: int | None) -> None:
    with transaction.atomic():
        record = _locked(token, public_id)
        if expected_version is not None and record.version != expected_version:
            raise VersionMismatch()
        audit_record(
            action="scim.user.deleted",
            actor=token.audit_actor,
            subject_type="scim_user",
            subject_id=record.public_id,
            organization_id=record.organization.public_id,
            data={
                "user": record.user.public_id if record.user else None,
                "userName": record.user_name,
            },
        )
        if record.active is not False:
            standing_end(actor=token.audit_actor, record=record, why="deleted")
        _withdraw_invitation(record)
        record.delete()


def scim_user_link_joined(*, membership: Membership) -> None:
    """A person invited by SCIM has joined: link their record, and sponsor them if the
    mapped group says so (the token that provisioned them is the actor)."""
    with transaction.atomic():
        record = (
            ScimUser.objects.select_for_update(of=("self",))
            .select_related("organization", "provisioned_by")
            .filter(
                organization_id=membership.organization_id,
                user__isnull=True,
                email=membership.user.email.lower(),
                email__gt="",
            )
            .exclude(active=False)
            .first()
        )
        if record is None:
            return
        record.user = membership.user
        record.save(update_fields=["user"])
        token = record.provisioned_by
        if token is not None:
            sponsorship_reconcile(
                actor=token.audit_actor, record=record, settings=settings_of(record.organization)
            )
