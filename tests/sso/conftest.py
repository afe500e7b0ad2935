"""Single sign-on fixtures: verified organisations with proven domains, people provisioned
by SCIM over HTTP, and a browser-less client (requests) that follows redirects and the
IdP's auto-submitting POST forms, as a browser would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import requests
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import Organization, User
from scim.services.tokens import scim_token_create
from tests.accounts.factories import signing_official
from tests.sso.saml_idp import SamlIdp
from tests.support.factories import OrganizationFactory

USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def verified_org(name: str, domain: str) -> Organization:
    org: Organization = OrganizationFactory.create(
        legal_name=name, website_domain=domain, domain_verified_at=timezone.now()
    )
    return org


def provision(live_url: str, organization: Organization, email: str) -> User:
    """The organisation's IdP provisions the person by SCIM, over HTTP."""
    official = organization.memberships.filter(role="signing_official").first()
    actor = (
        official.user if official else signing_official(organization, f"so@{email.split('@')[1]}")
    )
    token = scim_token_create(actor=actor, organization=organization, name="IdP")
    body: dict[str, Any] = {
        "schemas": [USER],
        "userName": email,
        "active": True,
        "emails": [{"value": email, "type": "work", "primary": True}],
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
    }
    response = requests.post(
        f"{live_url}/scim/v2/Users",
        json=body,
        headers={"Authorization": f"Bearer {token.plaintext}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return User.objects.get(email=email)


@dataclass
class Browser:
    base: str
    http: requests.Session

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else self.base + path
        return self.http.get(url, timeout=30, **kwargs)

    def csrf(self, path: str) -> str:
        page = self.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, page.text[:500]
        return match.group(1)

    def post(self, path: str, data: dict[str, str], **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else self.base + path
        return self.http.post(url, data=data, timeout=30, **kwargs)

    def sign_in_email_first(self, email: str) -> requests.Response:
        """Type the address on the sign-in page, no password: off to the IdP."""
        token = self.csrf("/accounts/login/")
        return self.post("/accounts/login/", {"login": email, "csrfmiddlewaretoken": token})

    def submit_auto_form(self, page: requests.Response) -> requests.Response:
        action, fields = auto_form(page.text)
        return self.post(action, fields)

    def signed_in_user(self) -> User | None:
        host = self.base.split("//", 1)[1].split(":", 1)[0]
        keys = [
            c.value
            for c in self.http.cookies
            if c.name == "sessionid" and c.domain.split(".local")[0] == host
        ]
        key = keys[0] if keys else None
        if not key:
            return None
        session = Session.objects.filter(session_key=key).first()
        user_id = session.get_decoded().get("_auth_user_id") if session else None
        return User.objects.filter(pk=user_id).first() if user_id else None


def auto_form(html: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of an IdP's auto-submitting form."""
    action = re.search(r'<form[^>]*action="([^"]+)"', html)
    assert action, html[:500]
    fields = {
        unescape(m.group(1)): unescape(m.group(2))
        for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
    }
    return unescape(action.group(1)), fields


@pytest.fixture
def browser(live_server: Any) -> Iterator[Browser]:
    with requests.Session() as http:
        yield Browser(base=live_server.url, http=http)


@pytest.fixture
def idp_factory(tmp_path: Path) -> Iterator[Any]:
    made: list[SamlIdp] = []

    def make(name: str) -> SamlIdp:
        idp = SamlIdp(name=name, directory=tmp_path)
        made.append(idp)
        return idp

    yield make
    for idp in made:
        idp.stop()
