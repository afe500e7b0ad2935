"""Domain proof: an organisation's current DNS challenge, and whether an address is in
the domain it proved (the rule SCIM and single sign-on share)."""

from __future__ import annotations

from accounts.models import DomainChallenge, Organization


def domain_challenge_current(*, organization: Organization) -> DomainChallenge | None:
    if not organization.website_domain:
        return None
    return (
        DomainChallenge.objects.filter(
            organization=organization, domain=organization.website_domain
        )
        .order_by("-created_at")
        .first()
    )


def email_domain(email: str) -> str:
    return email.strip().rpartition("@")[2].lower().rstrip(".")


def email_in_proven_domain(*, organization: Organization, email: str) -> bool:
    """The address is in the organisation's proven domain or a subdomain of it: who SCIM
    may provision and whose IdP sign-in single sign-on accepts."""
    domain = organization.website_domain.strip().lower().rstrip(".")
    if not (organization.domain_verified_at and domain and "@" in email):
        return False
    host = email_domain(email)
    return host == domain or host.endswith("." + domain)
