"""``{% scim_section organization %}``: the provisioning section of the organisation page.

A template tag, so the accounts page shows it without accounts importing scim.
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import Organization, User
from scim.selectors import provisioning_overview

register = template.Library()


@register.inclusion_tag("scim/_organization_section.html", takes_context=True)
def scim_section(context: dict[str, Any], organization: Organization) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    overview = (
        provisioning_overview(viewer=user, organization=organization)
        if isinstance(user, User)
        else None
    )
    return {
        "organization": organization,
        "overview": overview,
        "endpoint": request.build_absolute_uri("/scim/v2"),
        "is_signing_official": context.get("is_signing_official", False),
        "csrf_token": context.get("csrf_token"),
    }
