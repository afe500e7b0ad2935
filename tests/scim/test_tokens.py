"""SCIM tokens: made by a signing official or the operator's command, shown once, revocable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Membership, Organization, User
from audit.models import AuditEvent
from scim import tokens
from scim.models import ScimToken
from tests.scim.conftest import Scim
from tests.support.factories import MembershipFactory, OrganizationFactory
from tests.support.people import sign_in_with_second_factor


def test_the_command_prints_only_a_working_token(acme: Organization) -> None:
    out = StringIO()
    call_command("create_scim_token", str(acme.public_id), stdout=out)
    printed = out.getvalue().strip()
    assert tokens.is_well_formed(printed)
    stored = ScimToken.objects.get(organization=acme)
    assert stored.digest == tokens.digest(printed)
    assert printed not in str(stored.__dict__)
    assert Scim(Client(), printed, acme).get("/Users").status_code == 200


@pytest.mark.parametrize("org_id", ["not-a-uuid", "2819c223-7f76-453a-919d-413861904646"])
def test_the_command_names_a_missing_organisation(db: None, org_id: str) -> None:
    with pytest.raises(CommandError, match="No organisation"):
        call_command("create_scim_token", org_id)


def test_the_command_refuses_an_unverified_organisation(db: None) -> None:
    pending = OrganizationFactory.create(status=Organization.Status.PENDING)
    with pytest.raises(CommandError, match="verified"):
        call_command("create_scim_token", str(pending.public_id))


def test_a_signing_official_creates_a_token_shown_once_and_revokes_it(
    acme: Organization, acme_official: User
) -> None:
    browser = Client()
    sign_in_with_second_factor(browser, acme_official)
    page = browser.get(f"/organizations/{acme.public_id}/")
    assert b"Provisioning from your identity provider" in page.content
    assert b"/scim/v2" in page.content
    created = browser.post(f"/organizations/{acme.public_id}/scim/tokens", {"name": "Okta prod"})
    assert created.status_code == 201
    assert created["Cache-Control"] == "no-store"
    plaintext = next(
        word
        for word in created.content.decode().replace("<", " ").replace(">", " ").split()
        if word.startswith(tokens.PREFIX)
    )
    assert tokens.is_well_formed(plaintext)
    again = browser.get(f"/organizations/{acme.public_id}/")
    assert plaintext.encode() not in again.content
    assert tokens.display_prefix(plaintext).encode() in again.content
    token = ScimToken.objects.get(organization=acme)
    revoked = browser.post(f"/organizations/{acme.public_id}/scim/tokens/{token.public_id}/revoke")
    assert revoked.status_code == 302
    assert Scim(Client(), plaintext, acme).get("/Users").status_code == 401
    actions = list(
        AuditEvent.objects.filter(subject_type="scim_token").values_list("action", flat=True)
    )
    assert actions == ["scim.token.created", "scim.token.revoked"]


def test_an_org_admin_sees_the_section_but_cannot_make_tokens(acme: Organization) -> None:
    admin = MembershipFactory.create(organization=acme, role=Membership.Role.ORG_ADMIN).user
    browser = Client()
    sign_in_with_second_factor(browser, admin)
    assert (
        b"Provisioning from your identity provider"
        in browser.get(f"/organizations/{acme.public_id}/").content
    )
    browser.post(f"/organizations/{acme.public_id}/scim/tokens", {"name": "x"})
    assert not ScimToken.objects.exists()


def test_a_plain_member_does_not_see_the_section(acme: Organization) -> None:
    member = MembershipFactory.create(organization=acme).user
    browser = Client()
    browser.force_login(member)
    page = browser.get(f"/organizations/{acme.public_id}/")
    assert page.status_code == 200
    assert b"Provisioning from your identity provider" not in page.content


def test_an_outsider_cannot_revoke_another_organisations_token(
    scim: Scim, globex_scim: Scim
) -> None:
    outsider = globex_scim.organization.memberships.get(role="signing_official").user
    token = ScimToken.objects.get(organization=scim.organization)
    browser = Client()
    sign_in_with_second_factor(browser, outsider)
    response = browser.post(
        f"/organizations/{scim.organization.public_id}/scim/tokens/{token.public_id}/revoke"
    )
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
