"""OpenID Connect single sign-on against a real OpenID provider (django-oauth-toolkit) run
as a separate process: discovery, the authorization-code flow with PKCE, the signed
ID token checked against the provider's JWKS, userinfo. No part of the login is mocked.

The provider plays two companies' IdPs (one client application each): Acme's,
and Evil's, whose admin made a user carrying Acme's address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from accounts.models import Organization
from audit.models import AuditEvent
from sso.models import SsoConnection
from sso.services import OidcSettings, slug_for, sso_configure
from tests.accounts.factories import signing_official
from tests.sso.conftest import Browser, provision, verified_org
from tests.sso.oidc import OidcProvider, free_port

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "provider-password-123"


@pytest.fixture
def orgs(browser: Browser, tmp_path: Path) -> Iterator[tuple[Organization, Organization]]:
    acme = verified_org("Acme Inc", "acme.example")
    evil = verified_org("Evil Ltd", "evil.example")
    provider = OidcProvider(port=free_port())
    apps = []
    for org in (acme, evil):
        signing_official(org, f"official@{org.website_domain}")
        callback = f"{browser.base}/accounts/oidc/{slug_for(org)}/login/callback/"
        apps.append([f"client-{org.website_domain}", f"secret-{org.website_domain}", callback])
    users = [
        ["ada", "ada@acme.example", PASSWORD],
        ["mallory", "ada@acme.example", PASSWORD],  # at Evil's IdP, with Acme's address
        ["eve", "eve@evil.example", PASSWORD],
    ]
    provider.start(tmp_path, users, apps)
    try:
        for org in (acme, evil):
            sso_configure(
                actor=org.memberships.get(role="signing_official").user,
                organization=org,
                config=OidcSettings(
                    issuer=provider.issuer,
                    client_id=f"client-{org.website_domain}",
                    client_secret=f"secret-{org.website_domain}",
                ),
            )
        yield acme, evil
    finally:
        provider.stop()


def _sign_in_at_provider(browser: Browser, login_page: requests.Response, username: str) -> Any:
    assert "/login/" in login_page.url, login_page.url
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)
    following = re.search(r'name="next" value="([^"]*)"', login_page.text)
    assert token
    assert following
    action = login_page.url.split("/login/")[0] + "/login/"
    return browser.http.post(
        action,
        data={
            "csrfmiddlewaretoken": token.group(1),
            "next": following.group(1).replace("&amp;", "&"),
            "username": username,
            "password": PASSWORD,
        },
        headers={"Referer": login_page.url},
        timeout=30,
    )


def test_an_address_in_the_domain_signs_in_through_its_openid_provider(
    browser: Browser, orgs: tuple[Organization, Organization]
) -> None:
    acme, _ = orgs
    ada = provision(browser.base, acme, "ada@acme.example")
    at_provider = browser.sign_in_email_first("ada@acme.example")
    done = _sign_in_at_provider(browser, at_provider, "ada")
    assert done.status_code == 200, done.text[:500]
    assert browser.signed_in_user() == ada
    link = SocialAccount.objects.get(user=ada)
    assert link.provider == slug_for(acme)
    assert SsoConnection.objects.get(organization=acme).last_sign_in_at is not None


def test_another_organisations_provider_cannot_sign_in_an_address_it_does_not_own(
    browser: Browser, orgs: tuple[Organization, Organization]
) -> None:
    acme, evil = orgs
    provision(browser.base, acme, "ada@acme.example")
    provision(browser.base, evil, "eve@evil.example")
    # Start as Evil's person, then sign in at Evil's IdP as the user carrying Acme's address.
    at_provider = browser.sign_in_email_first("eve@evil.example")
    refused = _sign_in_at_provider(browser, at_provider, "mallory")
    assert refused.status_code == 403, refused.text[:500]
    assert "may sign in only addresses in evil.example" in refused.text
    assert browser.signed_in_user() is None
    assert not SocialAccount.objects.exists()
    assert AuditEvent.objects.filter(action="sso.sign_in_refused").count() == 1
