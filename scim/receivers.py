"""A person invited by SCIM joins: their pending record is linked and applied."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from accounts.models import Membership


def on_membership_saved(
    sender: object, *, instance: Membership, created: bool, **kwargs: Any
) -> None:
    if not created:
        return
    from scim.models import ScimUser
    from scim.services.users import scim_user_link_joined

    membership = instance
    waiting = ScimUser.objects.filter(
        organization_id=membership.organization_id,
        user__isnull=True,
        email=membership.user.email.lower(),
    )
    if waiting.exists():
        transaction.on_commit(lambda: scim_user_link_joined(membership=membership))


def connect() -> None:
    post_save.connect(
        on_membership_saved, sender=Membership, dispatch_uid="scim.membership_created"
    )
