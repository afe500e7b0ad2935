"""Invitations to an organisation: the list and the form, resend, revoke, and accepting one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import InvitationForm
from accounts.models import Invitation
from accounts.selectors.invitations import invitation_get, invitation_list
from accounts.selectors.users import request_user
from accounts.services import invitations
from accounts.views.common import (
    after_join_url,
    error_text,
    org_context,
    organization_for,
    report,
)
from idverify.errors import DomainError
from idverify.forms import apply_domain_error

_SESSION_KEY = "accounts.invitation_token"


def _render_invitations(request: HttpRequest, org_id: str, form: InvitationForm) -> HttpResponse:
    org = organization_for(request, org_id, manage=True)
    context = org_context(request, org, "invitations")
    context.update(
        {
            "form": form,
            "invitations": invitation_list(viewer=request_user(request), organization=org)[:200],
        }
    )
    return render(
        request,
        "accounts/organizations/invitations.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
def invitation_list_view(request: HttpRequest, org_id: str) -> HttpResponse:
    if request.method != "POST":
        return _render_invitations(request, org_id, InvitationForm())
    org = organization_for(request, org_id, manage=True, write=True)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitations.invitation_create(
                actor=request_user(request), organization=org, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"An invitation is on its way to {invitation.email}.")
            return redirect("organization-invitations", org_id=org_id)
    return _render_invitations(request, org_id, form)


def _invitation(request: HttpRequest, org_id: str, invitation_id: str) -> Invitation:
    org = organization_for(request, org_id, manage=True, write=True)
    return invitation_get(viewer=request_user(request), organization=org, public_id=invitation_id)


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, org_id: str, invitation_id: str) -> HttpResponse:
    found = _invitation(request, org_id, invitation_id)
    report(
        request,
        lambda: invitations.invitation_resend(
            actor=request_user(request), organization=found.organization, invitation=found
        ),
        lambda _: f"A new link is on its way to {found.email}; the old one no longer works.",
    )
    return redirect("organization-invitations", org_id=org_id)


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, org_id: str, invitation_id: str) -> HttpResponse:
    found = _invitation(request, org_id, invitation_id)
    report(
        request,
        lambda: invitations.invitation_revoke(
            actor=request_user(request), organization=found.organization, invitation=found
        ),
        lambda _: f"The invitation to {found.email} is withdrawn.",
    )
    return redirect("organization-invitations", org_id=org_id)


@never_cache
def invitation_accept_view(request: HttpRequest) -> HttpResponse:
    """The link in the email. The token moves from the URL into the session at once, so it
    is not left in the browser history or sent on in a Referer header."""
    here = reverse("invitation-accept")
    if "token" in request.GET:
        request.session[_SESSION_KEY] = str(request.GET["token"])[:100]
        return redirect(here)
    token = str(request.session.get(_SESSION_KEY, ""))
    invitation = invitations.invitation_find(token=token) if token else None
    if request.method == "POST" and invitation is not None and request.user.is_authenticated:
        try:
            joined = invitations.invitation_accept(user=request_user(request), token=token)
        except DomainError as error:
            messages.error(request, error_text(error))
        else:
            request.session.pop(_SESSION_KEY, None)
            messages.success(request, f"You joined {joined.organization.legal_name}.")
            return redirect(after_join_url())
    user = request.user
    context = {
        "invitation": invitation,
        "email_matches": bool(
            invitation
            and user.is_authenticated
            and getattr(user, "email", "").lower() == invitation.email
        ),
        "next_query": urlencode({"next": here}),
    }
    status = 200 if invitation is not None else 404
    return render(request, "accounts/invitations/accept.html", context, status=status)
