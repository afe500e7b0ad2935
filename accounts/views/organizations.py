"""Organisation pages: the list, registration, the overview with domain proof and
the compliance officer's verify, reject and suspend actions."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import declarations
from accounts.forms import ReasonForm, RegistrationForm
from accounts.models import Organization, User
from accounts.selectors.domain_challenges import domain_challenge_current
from accounts.selectors.memberships import signing_officials
from accounts.selectors.organizations import (
    declaration_latest,
    ein_conflicts_all,
    organization_ein_conflicts,
    organization_list,
    pending_expires_at,
)
from accounts.selectors.users import request_user
from accounts.services import domain_challenges, organizations
from accounts.views.common import org_context, organization_for, report
from idverify.errors import DomainError
from idverify.forms import apply_domain_error


@login_required
def organization_list_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    listed = organization_list(viewer=user)
    return render(
        request,
        "accounts/organizations/list.html",
        {
            "organizations": listed,
            "conflicting_eins": ein_conflicts_all(viewer=user),
        },
    )


@login_required
def organization_register_view(request: HttpRequest) -> HttpResponse:
    declaration = declarations.CURRENT
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                org = organizations.organization_register(
                    actor=request_user(request),
                    details=organizations.RegistrationDetails.from_data(data),
                    signature_name=data["signature_name"],
                    declaration_sha256=data["declaration_sha256"],
                    declaration_accepted=data["declaration_accepted"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    f"{org.legal_name} is registered and waits for a compliance officer's review.",
                )
                return redirect("organization-detail", org_id=org.public_id)
    else:
        form = RegistrationForm(initial={"declaration_sha256": declaration.sha256})
    return render(
        request,
        "accounts/organizations/register.html",
        {"form": form, "declaration": declaration},
        status=400 if form.errors else 200,
    )


@login_required
def organization_detail_view(request: HttpRequest, org_id: str) -> HttpResponse:
    org = organization_for(request, org_id)
    context = org_context(request, org, "overview")
    context.update(
        {
            "signing_officials": signing_officials(organization=org),
            "declaration": declaration_latest(organization=org),
            "challenge": domain_challenge_current(organization=org),
            "reason_form": ReasonForm(),
            "ein_conflicts": organization_ein_conflicts(
                viewer=request_user(request), organization=org
            ),
            "pending_expires_at": pending_expires_at(org),
        }
    )
    return render(request, "accounts/organizations/detail.html", context)


def _act(
    request: HttpRequest, org_id: str, done: str, act: Callable[[User, Organization], object]
) -> HttpResponse:
    org = organization_for(request, org_id)
    report(request, lambda: act(request_user(request), org), lambda _: done)
    return redirect("organization-detail", org_id=org.public_id)


def _reason(request: HttpRequest) -> str:
    return str(request.POST.get("reason", ""))[:300]


@login_required
@require_POST
def domain_challenge_create_view(request: HttpRequest, org_id: str) -> HttpResponse:
    return _act(
        request,
        org_id,
        "A new DNS record is ready to publish.",
        lambda user, org: domain_challenges.domain_challenge_create(actor=user, organization=org),
    )


@login_required
@require_POST
def domain_challenge_check_view(request: HttpRequest, org_id: str) -> HttpResponse:
    return _act(
        request,
        org_id,
        "The domain is proven.",
        lambda user, org: domain_challenges.domain_challenge_check(actor=user, organization=org),
    )


@login_required
@require_POST
def organization_verify_view(request: HttpRequest, org_id: str) -> HttpResponse:
    return _act(
        request,
        org_id,
        "The organisation is verified.",
        lambda user, org: organizations.organization_verify(
            actor=user, organization=org, reason=_reason(request)
        ),
    )


@login_required
@require_POST
def organization_suspend_view(request: HttpRequest, org_id: str) -> HttpResponse:
    return _act(
        request,
        org_id,
        "The organisation and all its sponsorships are suspended.",
        lambda user, org: organizations.organization_suspend(
            actor=user, organization=org, reason=_reason(request)
        ),
    )


@login_required
@require_POST
def organization_reject_view(request: HttpRequest, org_id: str) -> HttpResponse:
    return _act(
        request,
        org_id,
        "The registration is rejected; its EIN is free for the genuine organisation.",
        lambda user, org: organizations.organization_reject(
            actor=user, organization=org, reason=_reason(request)
        ),
    )
