"""SCIM fixtures: a verified organisation with a proven domain, its signing official and
token, and a second organisation with its own token (for the access matrix)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Organization, User
from scim.services.tokens import scim_token_create
from tests.accounts.factories import signing_official
from tests.support.factories import OrganizationFactory

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@dataclass
class Scim:
    """A SCIM client for one organisation's token."""

    client: Client
    token: str
    organization: Organization

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        extra: dict[str, Any] = {
            f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()
        }
        extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        response = self.client.generic(
            method,
            f"/scim/v2{path}",
            data=data or "",
            content_type="application/scim+json",
            **extra,
        )
        response.json_body = (  # type: ignore[attr-defined]
            json.loads(response.content) if response.content else None
        )
        return response

    def get(self, path: str, **query: str) -> Any:
        from urllib.parse import urlencode

        return self.call("GET", f"{path}?{urlencode(query)}" if query else path)

    def create_user(self, user_name: str, **fields: Any) -> dict[str, Any]:
        body = {"schemas": [USER], "userName": user_name, "active": True, **fields}
        response = self.call("POST", "/Users", body)
        assert response.status_code == 201, response.content
        return response.json_body  # type: ignore[no-any-return]

    def patch(self, path: str, *operations: dict[str, Any], if_match: str = "") -> Any:
        body = {"schemas": [PATCH], "Operations": list(operations)}
        if if_match:
            return self.call("PATCH", path, body, headers={"If-Match": if_match})
        return self.call("PATCH", path, body)


@pytest.fixture
def acme(db: None) -> Organization:
    organization: Organization = OrganizationFactory.create(
        legal_name="Acme Corp", website_domain="acme.example", domain_verified_at=timezone.now()
    )
    return organization


@pytest.fixture
def globex(db: None) -> Organization:
    organization: Organization = OrganizationFactory.create(
        legal_name="Globex LLC", website_domain="globex.example", domain_verified_at=timezone.now()
    )
    return organization


@pytest.fixture
def acme_official(acme: Organization) -> User:
    return signing_official(acme, "official@acme.example")


@pytest.fixture
def scim(acme: Organization, acme_official: User) -> Scim:
    created = scim_token_create(actor=acme_official, organization=acme, name="Okta")
    return Scim(Client(), created.plaintext, acme)


@pytest.fixture
def globex_scim(globex: Organization) -> Scim:
    official = signing_official(globex, "official@globex.example")
    created = scim_token_create(actor=official, organization=globex, name="Entra")
    return Scim(Client(), created.plaintext, globex)


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Any:
    """The signer and the signed revocation document are cached per process."""
    from entitlements import publication
    from entitlements.services import keys

    keys._forget_signer()
    publication.forget_cached()
    yield
    keys._forget_signer()
    publication.forget_cached()
