"""Reads for the organisation page's provisioning section, scoped by who is asking."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max

from accounts.models import Organization, User
from accounts.selectors.memberships import can_manage
from accounts.selectors.users import is_compliance_officer
from audit.models import AuditEvent
from scim.models import ScimGroup, ScimSettings, ScimToken, ScimUser

RECENT_EVENTS = 20


@dataclass
class ProvisioningOverview:
    tokens: list[ScimToken] = field(default_factory=list)
    groups: list[ScimGroup] = field(default_factory=list)
    settings: ScimSettings | None = None
    last_sync: datetime | None = None
    events: list[AuditEvent] = field(default_factory=list)
    people: int = 0
    pending: int = 0


def provisioning_overview(
    *, viewer: User, organization: Organization
) -> ProvisioningOverview | None:
    """What the page shows its managers (and compliance officers); None for anyone else."""
    if not (can_manage(user=viewer, organization=organization) or is_compliance_officer(viewer)):
        return None
    tokens = list(ScimToken.objects.filter(organization=organization))
    token_actors = [token.audit_actor for token in tokens]
    events = (
        list(
            AuditEvent.objects.filter(
                organization_id=organization.public_id, actor__in=token_actors
            ).order_by("-id")[:RECENT_EVENTS]
        )
        if token_actors
        else []
    )
    last_sync = ScimToken.objects.filter(organization=organization).aggregate(
        last=Max("last_used_at")
    )["last"]
    records = ScimUser.objects.filter(organization=organization)
    return ProvisioningOverview(
        tokens=tokens,
        groups=list(ScimGroup.objects.filter(organization=organization).order_by("display_name")),
        settings=ScimSettings.objects.select_related("sponsor_group", "configured_by")
        .filter(organization=organization)
        .first(),
        last_sync=last_sync,
        events=events,
        people=records.exclude(active=False).count(),
        pending=records.exclude(active=False).filter(user__isnull=True).count(),
    )
