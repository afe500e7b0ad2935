"""Reads of single sign-on. Above all, whose single sign-on an address is: the verified
organisation whose proven website domain holds it (the domain itself or a subdomain), the
most specific one when two do."""

from __future__ import annotations

from django.db.models.functions import Lower

from accounts.models import Organization
from accounts.selectors.domain_challenges import email_domain
from sso.models import SsoConnection


def _suffixes(host: str) -> list[str]:
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def connection_for_email(email: str) -> SsoConnection | None:
    """The SSO connection that owns this address, if its organisation is verified."""
    if "@" not in email:
        return None
    candidates = _suffixes(email_domain(email))
    if not candidates:
        return None
    found = (
        SsoConnection.objects.select_related("organization", "app")
        .annotate(domain=Lower("organization__website_domain"))
        .filter(
            domain__in=candidates,
            organization__status=Organization.Status.VERIFIED,
            organization__domain_verified_at__isnull=False,
        )
    )
    return max(found, key=lambda c: len(c.organization.website_domain), default=None)


def mandatory_connection_for(email: str) -> SsoConnection | None:
    connection = connection_for_email(email)
    return connection if connection is not None and connection.mandatory else None


def connection_for_organization(organization: Organization) -> SsoConnection | None:
    """The organisation's SSO connection, with its app, if it has one."""
    return SsoConnection.objects.select_related("app").filter(organization=organization).first()
