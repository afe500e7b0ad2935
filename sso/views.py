"""Sign-in through the organisation's IdP, and the organisation page's SSO settings.

``/accounts/login/`` is allauth's page with one step in front: an address whose
organisation has single sign-on, sent without a password, goes to that IdP
(email-first). A password for an address where SSO is mandatory is refused by
the form, with the reason. ``/accounts/sso/`` is the email-only step.
"""

from __future__ import annotations

import logging

from allauth.account.views import LoginView as AllauthLoginView
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base.constants import AuthProcess
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.selectors.users import request_user
from accounts.views.common import organization_for, report
from sso.forms import OidcForm, SamlForm, SsoStartForm
from sso.models import SsoConnection
from sso.selectors import connection_for_email
from sso.services import sso_configure, sso_mandatory_set, sso_remove

logger = logging.getLogger(__name__)


def _next(request: HttpRequest) -> str | None:
    wanted = str(request.POST.get("next") or request.GET.get("next") or "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return None


def to_identity_provider(request: HttpRequest, connection: SsoConnection) -> HttpResponse:
    # python3-saml reads the Host header itself; an HTTP/1.0 client may not send one.
    request.META.setdefault("HTTP_HOST", request.get_host())
    try:
        provider = get_adapter().get_provider(request, connection.slug)
        response: HttpResponse = provider.redirect(
            request, AuthProcess.LOGIN, next_url=_next(request)
        )
    except Exception:  # an IdP down or misconfigured is the customer's problem, not a 500
        logger.warning("sso.idp_unreachable", extra={"sso": connection.slug}, exc_info=True)
        message = (
            f"{connection.organization}'s identity provider cannot be reached or is not set up "
            "correctly. Try again later, or ask its administrator."
        )
        return render(request, "sso/refused.html", {"message": message}, status=502)
    return response


class LoginView(AllauthLoginView):  # type: ignore[misc] # allauth untyped
    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        email = str(request.POST.get("login", "")).strip()
        if email and not request.POST.get("password"):
            connection = connection_for_email(email)
            if connection is not None:
                return to_identity_provider(request, connection)
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response


login_view = LoginView.as_view()


def sso_start_view(request: HttpRequest) -> HttpResponse:
    form = SsoStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        connection = connection_for_email(form.cleaned_data["email"])
        if connection is not None:
            return to_identity_provider(request, connection)
        form.add_error(
            "email",
            "No organisation signs in this address through single sign-on. "
            "Sign in with your password instead.",
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "sso/start.html", {"form": form, "next": _next(request)}, status=status)


@login_required
@require_POST
def sso_settings_view(request: HttpRequest, org_id: str) -> HttpResponse:
    org = organization_for(request, org_id, manage=True)
    protocol = request.POST.get("protocol")
    form: OidcForm | SamlForm = (
        OidcForm(request.POST) if protocol == "oidc" else SamlForm(request.POST)
    )
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else None
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect("organization-detail", org_id=org.public_id)
    config = form.settings()
    report(
        request,
        lambda: sso_configure(actor=request_user(request), organization=org, config=config),
        lambda c: (
            f"Single sign-on through {c.get_protocol_display()} is set up. Sign in once "
            "through it before you make it mandatory."
        ),
    )
    return redirect("organization-detail", org_id=org.public_id)


@login_required
@require_POST
def sso_mandatory_view(request: HttpRequest, org_id: str) -> HttpResponse:
    org = organization_for(request, org_id, manage=True)
    mandatory = request.POST.get("mandatory") == "on"
    report(
        request,
        lambda: sso_mandatory_set(
            actor=request_user(request), organization=org, mandatory=mandatory
        ),
        lambda c: (
            f"Single sign-on is now mandatory for {org.website_domain}: passwords are refused."
            if c.mandatory
            else "Single sign-on is optional: people may also sign in with a password."
        ),
    )
    return redirect("organization-detail", org_id=org.public_id)


@login_required
@require_POST
def sso_remove_view(request: HttpRequest, org_id: str) -> HttpResponse:
    org = organization_for(request, org_id, manage=True)
    report(
        request,
        lambda: sso_remove(actor=request_user(request), organization=org),
        lambda _: "Single sign-on is removed; people sign in with their passwords.",
    )
    return redirect("organization-detail", org_id=org.public_id)
