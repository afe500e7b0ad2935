"""Helpers for the entitlements tests: people at a given level, tiers, request signals."""

from __future__ import annotations

import ipaddress
from typing import Any

from accounts.models import Membership, Organization, User
from attestations.models import UsPersonStatus
from entitlements.models import ModelTier
from entitlements.services.tiers import tier_create
from geo.location_signals import GeoSignals
from tests.attestations.factories import AttestationFactory, DocumentFactory
from tests.support.factories import (
    MembershipFactory,
    OrganizationFactory,
    SponsorshipFactory,
    UserFactory,
)

# Addresses of the demo GeoIP databases every test sees (geo/demo_db.py).
US_CALIFORNIA = "192.0.2.1"
CUBA = "192.0.2.97"
CRIMEA = "192.0.2.33"
KYIV = "192.0.2.17"
US_VPN = "198.51.100.17"
UNKNOWN = "203.0.113.10"


def tier(slug: str = "fable-5", **requirements: Any) -> ModelTier:
    requirements.setdefault("name", slug.replace("-", " ").title())
    return tier_create(actor=None, slug=slug, reason="Test tier.", **requirements)


def person(
    level: int,
    *,
    status: str = UsPersonStatus.US_CITIZEN,
    email: str | None = None,
    sponsor: Organization | None = None,
) -> User:
    """A person verified to ``level``: 1 attests, 2 adds a passed document (or, with
    ``sponsor``, that organisation's sponsorship instead), 3 has both."""
    user: User = UserFactory.create(**({"email": email} if email else {}))
    if level == 0:
        return user
    AttestationFactory.create(user=user, status=status)
    if level == 1:
        return user
    if level == 3 or sponsor is None:
        DocumentFactory.create(user=user, supports_status=status)
    if level == 3 or sponsor is not None:
        org = sponsor or OrganizationFactory.create()
        MembershipFactory.create(user=user, organization=org, role=Membership.Role.MEMBER)
        SponsorshipFactory.create(user=user, organization=org)
    return user


def signals(
    country: str | None = "US", subdivisions: tuple[str, ...] = ("US-CA",), **flags: Any
) -> GeoSignals:
    """Signals as the geo app reports them for a found address (flags: is_anonymous_vpn...)."""
    return GeoSignals(
        ip=ipaddress.ip_address(US_CALIFORNIA),
        status="found",
        country=country,
        subdivisions=subdivisions,
        anonymous_status="unknown",
        **flags,
    )


def local_signals() -> GeoSignals:
    return GeoSignals(ip=ipaddress.ip_address("127.0.0.1"), status="local")


def unavailable_signals() -> GeoSignals:
    return GeoSignals(ip=ipaddress.ip_address(US_CALIFORNIA), status="unavailable")
