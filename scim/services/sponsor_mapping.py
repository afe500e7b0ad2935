"""The sponsor mapping: which IdP group means "this organisation sponsors them"."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.selectors.memberships import require_signing_official
from audit.services import audit_record
from idverify.errors import Conflict, NotFound, ValidationFailed
from idverify.url_ids import uuid_or_not_found
from scim.models import ScimGroup, ScimSettings, ScimUser
from scim.services.standing import sponsorship_reconcile


def scim_sponsor_mapping_set(
    *, actor: User, organization: Organization, group_public_id: str | None, basis: str
) -> ScimSettings:
    """Map a group to sponsorship (or clear the mapping, with None), and apply it now.

    The signing official who sets it is the one every SCIM sponsorship records as
    vouching; members of the group are sponsored (or no longer) at once.
    """
    basis = basis.strip()
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        require_signing_official(user=actor, organization=org)
        group = None
        if group_public_id:
            wanted = uuid_or_not_found(group_public_id, what="group")
            group = ScimGroup.objects.filter(organization=org, public_id=wanted).first()
            if group is None:
                raise NotFound("No such group in this organisation.")
            if not basis:
                raise ValidationFailed(
                    fields={
                        "basis": [
                            (
                                'Say what the organisation relies on, e.g. "HR records: U.S. '
                                'person per I-9".'
                            )
                        ]
                    }
                )
            if org.status != Organization.Status.VERIFIED:
                raise Conflict("The organisation must be verified before it can sponsor anyone.")
        settings, _ = ScimSettings.objects.select_for_update().get_or_create(organization=org)
        previous = settings.sponsor_group_id
        settings.sponsor_group = group
        settings.sponsor_basis = basis if group else ""
        settings.configured_by = actor
        settings.configured_at = timezone.now()
        settings.save()
        audit_record(
            action="scim.sponsor_mapping.changed",
            actor=actor,
            subject_type="organization",
            subject_id=org.public_id,
            organization_id=org.public_id,
            data={"group": group.public_id if group else None, "basis": settings.sponsor_basis},
        )
        # Whoever is in the old or the new group, or holds a SCIM sponsorship, may change
        # standing; the official who changed the mapping is the actor.
        ids = set(
            ScimUser.objects.filter(
                organization=org, groups__pk__in=[previous, settings.sponsor_group_id]
            ).values_list("pk", flat=True)
        ) | set(
            ScimUser.objects.filter(organization=org, sponsorship__isnull=False).values_list(
                "pk", flat=True
            )
        )
        affected = (
            ScimUser.objects.select_for_update(of=("self",))
            .select_related("organization", "user")
            .filter(pk__in=ids)
        )
        for record in affected:
            sponsorship_reconcile(actor=actor, record=record, settings=settings)
    return settings
