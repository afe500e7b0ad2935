"""allauth's social-account adapter: an organisation's IdP signs in only its own people.

Every SSO sign-in, first or not, passes ``pre_social_login``:

- the app must be an organisation's ``SsoConnection``, the organisation verified
  with its website domain proven;
- the address the IdP asserted must be in that domain, and no other verified
  organisation's SSO may own it more specifically (``sso.selectors``): an IdP
  cannot vouch for another company's people;
- the first sign-in links the IdP's subject to the existing account with that
  address (the one SCIM provisioned, or the person's own); nobody gets a new
  account here, and an account already linked must itself be in the domain.

A refusal is a page saying why, never a sign-in. An IdP sign-in is one factor:
allauth still asks anyone with an authenticator for it, and a privileged person
without one is sent to enrol (``accounts.second_factor``).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from accounts.selectors.domain_challenges import email_in_proven_domain
from audit.services import audit_record
from sso import secrets
from sso.models import SsoConnection
from sso.selectors import connection_for_email


def _refuse(request: HttpRequest, message: str, status: int = 403) -> ImmediateHttpResponse:
    response = render(request, "sso/refused.html", {"message": message}, status=status)
    return ImmediateHttpResponse(response)


def asserted_email(sociallogin: SocialLogin) -> str:
    """The address the IdP asserted in this sign-in (not the account's own)."""
    addresses = sorted(sociallogin.email_addresses, key=lambda a: not a.primary)
    if addresses:
        return str(addresses[0].email).strip().lower()
    if not sociallogin.is_existing:
        return str(sociallogin.user.email or "").strip().lower()
    return ""


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc] # allauth untyped
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        apps: list[SocialApp] = super().list_apps(request, provider=provider, client_id=client_id)
        for app in apps:
            app.secret = secrets.unseal(app.secret)  # in memory only; never saved
        return apps

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False  # an IdP signs people in to accounts that exist; it never makes one

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        app = sociallogin.provider.app
        connection = (
            SsoConnection.objects.select_related("organization").filter(app_id=app.pk).first()
            if app is not None and app.pk
            else None
        )
        if connection is None:
            raise _refuse(request, "This identity provider is not set up for any organisation.")
        org = connection.organization
        if sociallogin.state.get("process", "login") != "login":
            # "Connect this IdP to the account I am signed in to" would let a signed-in
            # person choose the account; only the address in the domain chooses it.
            raise _refuse(request, "Single sign-on only signs people in.")
        email = asserted_email(sociallogin)
        if not email:
            raise _refuse(request, f"{org}'s identity provider did not send an email address.")
        if (
            not email_in_proven_domain(organization=org, email=email)
            or connection_for_email(email) != connection
        ):
            self._audit_refusal(connection, email, "address_outside_domain")
            raise _refuse(
                request,
                f"{org}'s identity provider may sign in only addresses in "
                f"{org.website_domain}, and it sent {email}.",
            )
        if sociallogin.is_existing:
            user = sociallogin.user
            if not email_in_proven_domain(organization=org, email=user.email):
                self._audit_refusal(connection, email, "account_outside_domain")
                raise _refuse(
                    request,
                    f"This sign-in is linked to an account outside {org.website_domain}.",
                )
        else:
            user = User.objects.filter(email__iexact=email).first()
            if user is None or not user.is_active:
                raise _refuse(
                    request,
                    f"There is no account for {email} yet. {org} adds its people through "
                    "its identity provider's provisioning (SCIM); ask its administrator.",
                )
            sociallogin.connect(request, user)
            audit_record(
                action="sso.account_linked",
                actor=user,
                subject_type="user",
                subject_id=user.public_id,
                organization_id=org.public_id,
                data={"protocol": connection.protocol, "uid": sociallogin.account.uid},
            )
        # The organisation's IdP vouches for an address in its own proven domain.
        EmailAddress.objects.filter(user=user, email__iexact=email, verified=False).update(
            verified=True
        )
        if not EmailAddress.objects.filter(user=user, email__iexact=email).exists():
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        SsoConnection.objects.filter(pk=connection.pk).update(last_sign_in_at=timezone.now())

    @staticmethod
    def _audit_refusal(connection: SsoConnection, email: str, code: str) -> None:
        audit_record(
            action="sso.sign_in_refused",
            actor=f"sso:{connection.slug}",
            subject_type="organization",
            subject_id=connection.organization.public_id,
            organization_id=connection.organization.public_id,
            data={"code": code, "domain": email.rpartition("@")[2]},
        )
