"""The organisation page's provisioning buttons: tokens and the sponsor mapping.

A new token is shown on the page that answers the POST, once, and never
again (no redirect: the secret never sits in a session or a cookie).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from accounts.selectors.users import request_user
from accounts.views.common import error_text, org_context, organization_for, report
from idverify.errors import DomainError
from scim.services.sponsor_mapping import scim_sponsor_mapping_set
from scim.services.tokens import scim_token_create, scim_token_revoke


@login_required
@require_POST
@sensitive_variables("created")
def scim_token_create_view(request: HttpRequest, org_id: str) -> HttpResponse:
    org = organization_for(request, org_id, manage=True)
    try:
        created = scim_token_create(
            actor=request_user(request),
            organization=org,
            name=str(request.POST.get("name", ""))[:100],
        )
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect("organization-detail", org_id=org.public_id)
    context = org_context(request, org, "overview")
    context.update(
        {
            "created": created,
            "endpoint": request.build_absolute_uri("/scim/v2"),
        }
    )
    response = render(request, "scim/token_created.html", context, status=201)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def scim_token_revoke_view(request: HttpRequest, org_id: str, token_id: str) -> HttpResponse:
    org = organization_for(request, org_id, manage=True)
    report(
        request,
        lambda: scim_token_revoke(
            actor=request_user(request), organization=org, token_public_id=token_id
        ),
        lambda token: f"The SCIM token {token.prefix}… is revoked; the IdP can no longer use it.",
    )
    return redirect("organization-detail", org_id=org.public_id)


@login_required
@require_POST
def scim_sponsor_mapping_view(request: HttpRequest, org_id: str) -> HttpResponse:
    org = organization_for(request, org_id, manage=True)
    group = str(request.POST.get("group", "")).strip() or None
    report(
        request,
        lambda: scim_sponsor_mapping_set(
            actor=request_user(request),
            organization=org,
            group_public_id=group,
            basis=str(request.POST.get("basis", ""))[:300],
        ),
        lambda s: (
            f"Members of “{s.sponsor_group.display_name}” are sponsored on your word."
            if s.sponsor_group
            else "No group means sponsorship now; SCIM sponsorships were withdrawn."
        ),
    )
    return redirect("organization-detail", org_id=org.public_id)
