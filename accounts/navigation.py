"""The accounts app's areas in the site navigation: organisations and the account page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Membership, User
from accounts.selectors.organizations import organization_awaiting_verification_count
from accounts.selectors.users import MANAGER_ROLES, is_compliance_officer
from idverify.navigation import NavItem, nav_provider

_OFFICER_CACHE = "_idverify_is_compliance_officer"


def viewer_is_officer(request: HttpRequest) -> bool:
    """Whether the request's person is a compliance officer, asked once per request
    (several apps' navigation and the page itself want to know)."""
    if not hasattr(request, _OFFICER_CACHE):
        user = request.user
        setattr(
            request,
            _OFFICER_CACHE,
            isinstance(user, User) and is_compliance_officer(user),
        )
    return bool(getattr(request, _OFFICER_CACHE))


def _organisations(request: HttpRequest, user: User) -> NavItem | None:
    url = reverse("organizations")
    if viewer_is_officer(request):
        waiting = organization_awaiting_verification_count(viewer=user)
        return NavItem(
            "Organisations",
            url,
            "Every registered organisation: verify new ones, suspend one that misuses sponsorship.",
            order=30,
            prefixes=("/organizations/", "/invitations/"),
            # Only when there is something to do: a "0" beside it would be noise.
            count=waiting or None,
            count_label="registration waiting for verification"
            if waiting == 1
            else "registrations waiting for verification",
        )
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if not roles:
        return None
    manages = bool(roles & MANAGER_ROLES)
    return NavItem(
        "Organisations",
        url,
        "Your organisations: members, invitations, sponsorships and bulk enrolment."
        if manages
        else "The organisations you belong to and their signing officials.",
        order=30,
        prefixes=("/organizations/", "/invitations/"),
    )


@nav_provider("accounts")
def accounts_nav(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not isinstance(user, User):
        return []
    organisations = _organisations(request, user)
    account = NavItem(
        "Account",
        reverse("account"),
        "Your sign-in details, two-factor authentication, API keys and organisations.",
        order=90,
        prefixes=("/account/", "/accounts/"),
    )
    return [item for item in (organisations, account) if item is not None]
