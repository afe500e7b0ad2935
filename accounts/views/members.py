"""Members of an organisation: the list, changing a role, removing someone."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import RoleForm
from accounts.models import Membership
from accounts.selectors.memberships import membership_get, membership_list, signing_officials
from accounts.selectors.users import request_user
from accounts.services import memberships
from accounts.views.common import org_context, organization_for, report


@login_required
def member_list_view(request: HttpRequest, org_id: str) -> HttpResponse:
    org = organization_for(request, org_id)
    context = org_context(request, org, "members")
    members = membership_list(viewer=request_user(request), organization=org)
    context.update(
        {
            "members": [(m, RoleForm(initial={"role": m.role}, prefix=str(m.pk))) for m in members],
            "signing_official_count": signing_officials(organization=org).count(),
        }
    )
    return render(request, "accounts/organizations/members.html", context)


def _member(request: HttpRequest, org_id: str, user_id: str) -> Membership:
    org = organization_for(request, org_id, manage=True, write=True)
    return membership_get(viewer=request_user(request), organization=org, user_public_id=user_id)


@login_required
@require_POST
def member_role_view(request: HttpRequest, org_id: str, user_id: str) -> HttpResponse:
    found = _member(request, org_id, user_id)
    form = RoleForm(request.POST, prefix=str(found.pk))
    role = form.cleaned_data["role"] if form.is_valid() else ""
    report(
        request,
        lambda: memberships.membership_role_set(
            actor=request_user(request), organization=found.organization, user=found.user, role=role
        ),
        lambda changed: f"{found.user.email} is now {changed.get_role_display().lower()}.",
    )
    return redirect("organization-members", org_id=org_id)


@login_required
@require_POST
def member_remove_view(request: HttpRequest, org_id: str, user_id: str) -> HttpResponse:
    found = _member(request, org_id, user_id)
    report(
        request,
        lambda: memberships.membership_remove(
            actor=request_user(request), organization=found.organization, user=found.user
        ),
        lambda _: f"{found.user.email} is no longer a member.",
    )
    return redirect("organization-members", org_id=org_id)
