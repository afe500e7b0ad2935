"""Invitations: create, resend, revoke, accept, and the link's token.

The link's token is never stored: it is an HMAC of the invitation's id and
generation under a key derived from SECRET_KEY, and only its SHA-256 is kept
for lookup. The email task rebuilds the token from ids alone
(``accounts.services.invitation_emails``), so the queue never carries a secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.email_addresses import FORMULA_MESSAGE
from accounts.models import Invitation, Membership, Organization, RosterEntry, User
from accounts.queue import enqueue_on_commit
from accounts.selectors.memberships import organization_role
from accounts.separation import require_other_person
from accounts.services.memberships import ASSIGNABLE_ROLES
from audit.services import audit_record
from idverify.csvsafe import formula_start
from idverify.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

TOKEN_PREFIX = "idv_inv_"  # noqa: S105 - a prefix, not a secret
SEND_TASK = "accounts.invitations_send"
_HMAC_SALT = "idverify.accounts.invitation"


def token_key() -> bytes:
    # salted_hmac's key derivation, done once per batch rather than once per token.
    return hashlib.sha256((_HMAC_SALT + settings.SECRET_KEY).encode()).digest()


def invitation_token(invitation: Invitation, key: bytes | None = None) -> str:
    return _token(invitation.public_id, invitation.generation, key or token_key())


def _token(public_id: uuid.UUID, generation: int, key: bytes) -> str:
    mac = hmac.new(key, f"{public_id}:{generation}".encode(), hashlib.sha256).digest()
    return TOKEN_PREFIX + base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_generation(
    invitation: Invitation, generation: int, key: bytes | None = None, now: datetime | None = None
) -> None:
    invitation.generation = generation
    invitation.token_digest = token_digest(invitation_token(invitation, key))
    invitation.expires_at = (now or timezone.now()) + timedelta(days=settings.IDV_INVITATION_DAYS)


def renew_token(invitation: Invitation) -> None:
    """A new link and a full period for an unsaved change (enrolment renews in bulk)."""
    _new_generation(invitation, invitation.generation + 1)


def clean_email(value: str) -> str:
    email = value.strip().lower()
    if formula_start(email):
        raise ValidationFailed(fields={"email": [FORMULA_MESSAGE]})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed(fields={"email": ["Enter a valid email address."]}) from None
    return email


def _require_inviter(actor: User, organization: Organization, role: str) -> None:
    actor_role = organization_role(user=actor, organization=organization)
    if actor_role not in (Membership.Role.ORG_ADMIN, Membership.Role.SIGNING_OFFICIAL):
        raise PermissionDenied("Only the organisation's admins and signing officials can invite.")
    if role not in ASSIGNABLE_ROLES:
        raise ValidationFailed(
            fields={"role": ["Choose member, organisation admin or signing official."]}
        )
    if role == Membership.Role.SIGNING_OFFICIAL and actor_role != Membership.Role.SIGNING_OFFICIAL:
        raise PermissionDenied("Only a signing official can invite a signing official.")
    if organization.status == Organization.Status.SUSPENDED:
        raise Conflict("The organisation is suspended; it cannot invite anyone.")
    if organization.is_closed:
        raise Conflict(
            "This registration was rejected or has expired; it cannot invite anyone. "
            "Register the organisation again."
        )


def _locked_organization(organization: Organization) -> Organization:
    """The organisation row, locked for this transaction and read afresh: every check of
    its status or of what it has sent is made under this lock, so concurrent requests
    take turns instead of each counting before the others have written."""
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _require_may_send(organization: Organization) -> None:
    """Invitation emails carry the organisation's name from this server: until a compliance
    officer has verified the organisation, it may send only a few (its first colleagues,
    a second signing official), so a made-up one cannot use the server to send mail.

    What counts is links sent (each invitation's generations: the first send and every
    resend). Call it with the organisation locked (``_locked_organization``)."""
    if organization.status != Organization.Status.PENDING:
        return
    limit: int = settings.IDV_PENDING_ORG_INVITATIONS
    sent = Invitation.objects.filter(organization=organization).aggregate(
        sent=Coalesce(Sum("generation"), 0)
    )["sent"]
    if sent >= limit:
        raise Conflict(
            f"Until a compliance officer verifies the organisation it can send {limit} "
            "invitations (resends included); invite the rest once it is verified.",
            code="pending_organization_limit",
        )


def new_invitation(
    *, organization: Organization, email: str, invited_by: User | None, role: str
) -> Invitation:
    """An unsaved invitation with its first link's digest."""
    invitation = Invitation(
        organization=organization, email=email, role=role, invited_by=invited_by
    )
    _new_generation(invitation, 1)
    return invitation


def build_invitations(
    *, organization: Organization, emails: Sequence[str], invited_by: User | None, role: str
) -> dict[str, list[Any]]:
    """New invitations as columns (for enrolment's set-based insert), token digests included."""
    key, now = token_key(), timezone.now()
    public_ids = [uuid.uuid4() for _ in emails]
    count = len(public_ids)
    return {
        "public_id": public_ids,
        "organization_id": [organization.pk] * count,
        "email": list(emails),
        "role": [role] * count,
        "invited_by_id": [invited_by.pk if invited_by else None] * count,
        "created_at": [now] * count,
        "expires_at": [now + timedelta(days=settings.IDV_INVITATION_DAYS)] * count,
        "generation": [1] * count,
        "token_digest": [token_digest(_token(p, 1, key)) for p in public_ids],
    }


def invitation_create(
    *, actor: User, organization: Organization, email: str, role: str = Membership.Role.MEMBER
) -> Invitation:
    email = clean_email(email)
    with transaction.atomic():
        organization = _locked_organization(organization)
        _require_inviter(actor, organization, role)
        _require_may_send(organization)
        if Membership.objects.filter(organization=organization, user__email=email).exists():
            raise Conflict("This person is already a member of the organisation.")
        existing = (
            Invitation.objects.select_for_update()
            .filter(organization=organization, email=email, accepted_at=None, revoked_at=None)
            .first()
        )
        if existing is not None and existing.expires_at > timezone.now():
            raise Conflict("This person already has an invitation waiting; resend it instead.")
        if existing is not None:
            # An expired link: renew the same invitation rather than start a second.
            existing.role = role
            existing.invited_by = actor
            _new_generation(existing, existing.generation + 1)
            existing.save()
            invitation = existing
        else:
            invitation = new_invitation(
                organization=organization, email=email, invited_by=actor, role=role
            )
            invitation.save()
        audit_record(
            action="invitation.created",
            actor=actor,
            subject_type="invitation",
            subject_id=invitation.public_id,
            organization_id=organization.public_id,
            data={"email": email, "role": role, "expires_at": invitation.expires_at},
        )
        enqueue_on_commit(SEND_TASK, [invitation.pk])
    return invitation


def _locked_open(organization: Organization, invitation: Invitation) -> Invitation:
    try:
        locked = Invitation.objects.select_for_update().get(
            pk=invitation.pk, organization=organization
        )
    except Invitation.DoesNotExist:
        raise NotFound("No such invitation.") from None
    if locked.accepted_at is not None:
        raise Conflict("This invitation has been accepted already.")
    if locked.revoked_at is not None:
        raise Conflict("This invitation has been revoked.")
    return locked


def invitation_resend(
    *, actor: User, organization: Organization, invitation: Invitation
) -> Invitation:
    """A new link (the old one stops working) valid for another full period."""
    with transaction.atomic():
        organization = _locked_organization(organization)
        _require_inviter(actor, organization, invitation.role)
        _require_may_send(organization)
        locked = _locked_open(organization, invitation)
        _new_generation(locked, locked.generation + 1)
        locked.save(update_fields=["generation", "token_digest", "expires_at"])
        audit_record(
            action="invitation.resent",
            actor=actor,
            subject_type="invitation",
            subject_id=locked.public_id,
            organization_id=organization.public_id,
            data={"email": locked.email, "generation": locked.generation},
        )
        enqueue_on_commit(SEND_TASK, [locked.pk])
    return locked


def invitation_revoke(
    *, actor: User, organization: Organization, invitation: Invitation
) -> Invitation:
    _require_inviter(actor, organization, Membership.Role.MEMBER)
    with transaction.atomic():
        locked = _locked_open(organization, invitation)
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            action="invitation.revoked",
            actor=actor,
            subject_type="invitation",
            subject_id=locked.public_id,
            organization_id=organization.public_id,
            data={"email": locked.email},
        )
    return locked


def invitation_find(*, token: str) -> Invitation | None:
    """The invitation a link's token names, whatever its state (None if unknown)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_digest=token_digest(token))
        .first()
    )


def invitation_accept(*, user: User, token: str) -> Membership:
    """Join the organisation the invitation is for, as the person it was sent to."""
    found = invitation_find(token=token)
    if found is None:
        raise NotFound("This invitation link is not valid; ask for a new one.")
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        organization = Organization.objects.get(pk=invitation.organization_id)
        if invitation.token_digest != token_digest(token):
            raise NotFound("This invitation link has been replaced by a newer one.")
        state = invitation.state
        if state == Invitation.State.ACCEPTED:
            raise Conflict("This invitation has been used already.")
        if state == Invitation.State.REVOKED:
            raise Conflict("This invitation has been withdrawn.")
        if state == Invitation.State.EXPIRED:
            raise Conflict("This invitation has expired; ask the organisation to resend it.")
        if user.email.lower() != invitation.email:
            raise PermissionDenied(
                f"This invitation was sent to {invitation.email}; sign in with that address."
            )
        if organization.status == Organization.Status.SUSPENDED:
            raise Conflict("The organisation is suspended; it cannot take new members.")
        if organization.is_closed:
            raise Conflict("This organisation's registration is closed; it takes no members.")
        # A link someone sent to an address that is now their own (say, before they were
        # removed) must not bring them back in with the role they chose for themselves.
        require_other_person(
            actor=user,
            subject=invitation.invited_by_id,
            message="You sent this invitation yourself; someone else must invite you.",
        )
        membership, created = Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        RosterEntry.objects.filter(organization=organization, email=invitation.email).update(
            user=user
        )
        audit_record(
            action="invitation.accepted",
            actor=user,
            subject_type="invitation",
            subject_id=invitation.public_id,
            organization_id=organization.public_id,
            data={"role": membership.role, "joined": created},
        )
    return membership
