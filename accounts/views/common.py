"""Helpers shared by accounts' web pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from accounts.models import Membership, Organization
from accounts.selectors.memberships import can_manage, is_signing_official, organization_role
from accounts.selectors.organizations import organization_get, organization_get_managed
from accounts.selectors.users import is_compliance_officer, request_user
from idverify.errors import DomainError


def organization_for(
    request: HttpRequest, org_id: str, *, manage: bool = False, write: bool = False
) -> Organization:
    """The organisation in the URL, as this viewer may see it: 404 to outsiders, 403 to
    members when the page is for its admins."""
    if manage:
        return organization_get_managed(viewer=request_user(request), public_id=org_id, write=write)
    return organization_get(viewer=request_user(request), public_id=org_id)


def error_text(error: DomainError) -> str:
    """A domain error as one sentence for a flash message (field messages when it has them)."""
    details = [message for messages in error.fields.values() for message in messages]
    return " ".join(details) if details else error.message


T = TypeVar("T")


def report(request: HttpRequest, act: Callable[[], T], done: Callable[[T], str]) -> None:
    """Run a button's service call; say how it went in a flash message."""
    try:
        result = act()
    except DomainError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done(result))


def after_join_url() -> str:
    """The attestation flow when it is installed, else the home page."""
    try:
        return reverse(settings.IDV_AFTER_JOIN_URL_NAME)
    except NoReverseMatch:
        return reverse("home")


def org_context(
    request: HttpRequest, organization: Organization, section: str
) -> dict[str, object]:
    user = request_user(request)
    role = organization_role(user=user, organization=organization)
    return {
        "organization": organization,
        "section": section,
        "your_role": role,
        "your_role_label": dict(Membership.Role.choices).get(role or "", ""),
        "can_manage": can_manage(user=user, organization=organization),
        "is_signing_official": is_signing_official(user=user, organization=organization),
        "is_officer": is_compliance_officer(user),
    }
