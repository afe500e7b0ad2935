"""Sponsorship of members: sponsor one, sponsor those the roster marks, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.forms import ReasonForm, SponsorForm
from accounts.models import Organization
from accounts.selectors.memberships import membership_get, membership_list
from accounts.selectors.sponsorships import (
    sponsorship_candidates,
    sponsorship_get,
    sponsorship_list,
)
from accounts.selectors.users import request_user
from accounts.services import sponsorships
from accounts.views.common import error_text, org_context, organization_for
from idverify.errors import DomainError, SelfApproval, ValidationFailed
from idverify.forms import apply_domain_error


def _members(request: HttpRequest, org: Organization) -> list[tuple[str, str]]:
    members = membership_list(viewer=request_user(request), organization=org)
    return [(str(m.user.public_id), f"{m.user.get_full_name()} <{m.user.email}>") for m in members]


def _render(request: HttpRequest, org: Organization, form: SponsorForm) -> HttpResponse:
    context = org_context(request, org, "sponsorships")
    context.update(
        {
            "form": form,
            "sponsorships": sponsorship_list(viewer=request_user(request), organization=org),
            "candidates": sponsorship_candidates(viewer=request_user(request), organization=org),
            "reason_form": ReasonForm(),
        }
    )
    return render(
        request,
        "accounts/organizations/sponsorships.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
def sponsorship_list_view(request: HttpRequest, org_id: str) -> HttpResponse:
    org = organization_for(request, org_id)
    if request.method != "POST":
        return _render(request, org, SponsorForm(members=_members(request, org)))
    form = SponsorForm(request.POST, members=_members(request, org))
    if form.is_valid():
        try:
            member = membership_get(
                viewer=request_user(request),
                organization=org,
                user_public_id=form.cleaned_data["member"],
            )
            sponsorships.sponsorship_create(
                actor=request_user(request),
                organization=org,
                user=member.user,
                basis=form.cleaned_data["basis"],
                expires_at=sponsorships.months_after(
                    timezone.now(), form.cleaned_data["period_months"]
                ),
            )
        except SelfApproval as error:
            form.add_error("member", error.message)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"{member.user.email} is sponsored.")
            return redirect("organization-sponsorships", org_id=org_id)
    return _render(request, org, form)


@login_required
@require_POST
def sponsor_candidates_view(request: HttpRequest, org_id: str) -> HttpResponse:
    """Sponsor the checked members the roster marks for sponsorship, on one basis."""
    org = organization_for(request, org_id)
    user = request_user(request)
    wanted = set(request.POST.getlist("member"))
    chosen = [
        m.user
        for m in sponsorship_candidates(viewer=user, organization=org)
        if str(m.user.public_id) in wanted
    ]
    try:
        if not chosen:
            raise ValidationFailed("Tick at least one person to sponsor.")
        created = sponsorships.sponsorships_create_many(
            actor=user,
            organization=org,
            users=chosen,
            basis=str(request.POST.get("basis", "")),
            expires_at=sponsorships.months_after(
                timezone.now(), sponsorships.DEFAULT_PERIOD_MONTHS
            ),
        )
    except DomainError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{len(created)} people are sponsored for 12 months.")
    return redirect("organization-sponsorships", org_id=org_id)


@login_required
@require_POST
def sponsorship_revoke_view(request: HttpRequest, org_id: str, sponsorship_id: str) -> HttpResponse:
    org = organization_for(request, org_id)
    found = sponsorship_get(
        viewer=request_user(request), organization=org, public_id=sponsorship_id
    )
    try:
        sponsorships.sponsorship_revoke(
            actor=request_user(request),
            sponsorship=found,
            reason=str(request.POST.get("reason", "")),
        )
    except DomainError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"The sponsorship of {found.user.email} is revoked.")
    return redirect("organization-sponsorships", org_id=org_id)
