"""scim2-tester, the SCIM compliance checker, against the running test server.

It discovers what the server announces (ServiceProviderConfig, ResourceTypes,
Schemas), then creates, reads, searches, replaces, patches and deletes Users and
Groups with random values. Every check must pass, or be skipped because the
server does not announce the feature (bulk, sorting, password change).
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from scim.services.tokens import scim_token_create
from tests.accounts.factories import signing_official
from tests.support.factories import OrganizationFactory

FAILING = {Status.DEVIATION, Status.ERROR, Status.CRITICAL}


@pytest.mark.django_db(transaction=True)
def test_the_compliance_checker_finds_nothing_to_fault(live_server: Any) -> None:
    organization = OrganizationFactory.create(legal_name="Checked Corp")
    official = signing_official(organization, "official@checked.example")
    token = scim_token_create(actor=official, organization=organization, name="checker")
    with httpx2.Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {token.plaintext}"},
        timeout=30,
    ) as http:
        client = SyncSCIMClient(http)
        client.discover()
        results = check_server(client)
    failures = [f"{r.title}: {r.reason}" for r in results if r.status in FAILING]
    assert not failures, "\n".join(failures)
    assert sum(r.status == Status.SUCCESS for r in results) > 20
