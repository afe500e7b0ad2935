"""SCIM tokens: a signing official creates one (shown once) and revokes it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.selectors.memberships import require_signing_official
from audit.services import audit_record
from idverify.errors import Conflict, NotFound, ValidationFailed
from idverify.url_ids import uuid_or_not_found
from scim import tokens
from scim.models import ScimToken

MAX_LIVE_TOKENS = 10


@dataclass(frozen=True)
class CreatedScimToken:
    token: ScimToken
    plaintext: str  # shown once, never stored


def scim_token_create(
    *, actor: User | None, organization: Organization, name: str
) -> CreatedScimToken:
    """A new token for the organisation's IdP. ``actor`` None is the operator's command line."""
    name = name.strip() or "Identity provider"
    if len(name) > 100:
        raise ValidationFailed(fields={"name": ["Use at most 100 characters."]})
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if actor is not None:
            require_signing_official(user=actor, organization=org)
        if org.status != Organization.Status.VERIFIED:
            raise Conflict("Only a verified organisation can provision people with SCIM.")
        live = ScimToken.objects.filter(organization=org, revoked_at__isnull=True).count()
        if live >= MAX_LIVE_TOKENS:
            raise Conflict(
                f"The organisation already has {live} live SCIM tokens; revoke one first."
            )
        plaintext = tokens.generate()
        token = ScimToken.objects.create(
            organization=org,
            name=name,
            prefix=tokens.display_prefix(plaintext),
            digest=tokens.digest(plaintext),
            created_by=actor,
        )
        audit_record(
            action="scim.token.created",
            actor=actor,
            subject_type="scim_token",
            subject_id=token.public_id,
            organization_id=org.public_id,
            data={"name": name, "prefix": token.prefix},
        )
    return CreatedScimToken(token=token, plaintext=plaintext)


def scim_token_revoke(
    *, actor: User, organization: Organization, token_public_id: str
) -> ScimToken:
    wanted = uuid_or_not_found(token_public_id, what="SCIM token")
    with transaction.atomic():
        require_signing_official(user=actor, organization=organization)
        token = (
            ScimToken.objects.select_for_update()
            .filter(organization=organization, public_id=wanted)
            .first()
        )
        if token is None:
            raise NotFound("No such SCIM token.")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = actor
            token.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(
                action="scim.token.revoked",
                actor=actor,
                subject_type="scim_token",
                subject_id=token.public_id,
                organization_id=organization.public_id,
                data={"name": token.name, "prefix": token.prefix},
            )
    return token
