"""``{% sso_section organization %}``: the single sign-on section of the organisation page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from accounts.models import Membership, Organization, User
from accounts.selectors.memberships import organization_role
from sso.selectors import connection_for_organization
from sso.services import slug_for

register = template.Library()


@register.inclusion_tag("sso/_organization_section.html", takes_context=True)
def sso_section(context: dict[str, Any], organization: Organization) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    role = (
        organization_role(user=user, organization=organization) if isinstance(user, User) else None
    )
    slug = slug_for(organization)
    return {
        # Its people see how they sign in; its admins and officials see the settings.
        "show": role is not None,
        "organization": organization,
        "connection": connection_for_organization(organization),
        "redirect_uri": request.build_absolute_uri(
            reverse("openid_connect_callback", kwargs={"provider_id": slug})
        ),
        "saml_acs": request.build_absolute_uri(reverse("saml_acs", args=[slug])),
        "saml_metadata": request.build_absolute_uri(reverse("saml_metadata", args=[slug])),
        "is_signing_official": role == Membership.Role.SIGNING_OFFICIAL,
        "csrf_token": context.get("csrf_token"),
    }
