"""Who reaches what: a token reaches its own organisation's people only.

A person may belong to several organisations; organisation A's IdP never
changes their membership, sponsorship or account data in organisation B.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import Membership, Organization, Sponsorship, User
from scim.models import ScimToken, ScimUser
from scim.services.tokens import scim_token_revoke
from tests.scim.conftest import ENTERPRISE, GROUP, USER, Scim
from tests.support.factories import SponsorshipFactory


def test_no_token_a_made_up_token_and_a_revoked_token_get_401(
    scim: Scim, acme_official: User
) -> None:
    anonymous = Client().get("/scim/v2/Users")
    assert anonymous.status_code == 401
    assert anonymous.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    made_up = Scim(Client(), "idv_scim_" + "A" * 46, scim.organization)
    assert made_up.get("/Users").status_code == 401
    token = ScimToken.objects.get(organization=scim.organization)
    scim_token_revoke(
        actor=acme_official, organization=scim.organization, token_public_id=str(token.public_id)
    )
    assert scim.get("/Users").status_code == 401


def test_a_suspended_organisations_token_still_deprovisions(scim: Scim) -> None:
    created = scim.create_user("ada@acme.example")
    Organization.objects.filter(pk=scim.organization.pk).update(status="suspended")
    off = scim.patch(f"/Users/{created['id']}", {"op": "replace", "value": {"active": False}})
    assert off.status_code == 204
    assert off.content == b""
    assert ScimUser.objects.get(public_id=created["id"]).active is False
    user = User.objects.get(email="ada@acme.example")
    assert not Membership.objects.filter(user=user, organization=scim.organization).exists()


def test_a_rejected_organisations_token_is_refused(scim: Scim) -> None:
    Organization.objects.filter(pk=scim.organization.pk).update(status="rejected")
    assert scim.get("/Users").status_code == 401


@pytest.fixture
def acme_user(scim: Scim) -> dict[str, Any]:
    return scim.create_user("ada@acme.example")


@pytest.fixture
def acme_group(scim: Scim) -> dict[str, Any]:
    return scim.call("POST", "/Groups", {"schemas": [GROUP], "displayName": "Acme"}).json_body  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("method", "kind", "body"),
    [
        ("GET", "Users", None),
        ("PUT", "Users", {"schemas": [USER], "userName": "x@globex.example"}),
        (
            "PATCH",
            "Users",
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "value": {"active": False}}],
            },
        ),
        ("DELETE", "Users", None),
        ("GET", "Groups", None),
        ("PUT", "Groups", {"schemas": [GROUP], "displayName": "taken"}),
        ("DELETE", "Groups", None),
    ],
)
def test_another_organisations_token_gets_404_for_every_operation(
    globex_scim: Scim,
    acme_user: dict[str, Any],
    acme_group: dict[str, Any],
    *,
    method: str,
    kind: str,
    body: Any,
) -> None:
    target = acme_user if kind == "Users" else acme_group
    response = globex_scim.call(method, f"/{kind}/{target['id']}", body)
    assert response.status_code == 404
    assert response.json_body["status"] == "404"
    assert ScimUser.objects.get(public_id=acme_user["id"]).active is True


def test_another_organisations_search_finds_nothing_of_ours(
    globex_scim: Scim, acme_user: dict[str, Any]
) -> None:
    for query in ('userName eq "ada@acme.example"', f'id eq "{acme_user["id"]}"', "userName pr"):
        found = globex_scim.get("/Users", filter=query)
        assert found.json_body["totalResults"] == 0, query


def test_another_organisations_group_cannot_take_our_people_as_members(
    globex_scim: Scim, acme_user: dict[str, Any]
) -> None:
    response = globex_scim.call(
        "POST",
        "/Groups",
        {"schemas": [GROUP], "displayName": "Steal", "members": [{"value": acme_user["id"]}]},
    )
    assert response.status_code == 400
    assert response.json_body["scimType"] == "invalidValue"


def test_one_person_in_two_organisations_is_changed_in_one_only(
    scim: Scim, globex_scim: Scim
) -> None:
    """Ada works for both; each IdP provisions her. Acme's deactivation and edits touch
    Acme's record, membership and sponsorship, never Globex's, and never her account."""
    person = User.objects.create_user(email="ada@acme.example", full_name="Ada Lovelace")
    Membership.objects.create(user=person, organization=globex_scim.organization)
    globex_sponsorship = SponsorshipFactory.create(
        user=person, organization=globex_scim.organization
    )
    in_globex = globex_scim.create_user(
        "ada.l@globex.example", emails=[{"value": "ada@acme.example"}]
    )
    in_acme = scim.create_user(
        "ada@acme.example",
        name={"givenName": "Someone", "familyName": "Else"},
        **{ENTERPRISE: {"department": "Sales"}},
    )
    replaced = scim.call(
        "PUT",
        f"/Users/{in_acme['id']}",
        {
            "schemas": [USER],
            "userName": "ada@acme.example",
            "active": True,
            "emails": [{"value": "other@elsewhere.example", "primary": True}],
            "name": {"givenName": "Renamed"},
        },
    )
    assert replaced.status_code == 200
    off = scim.patch(f"/Users/{in_acme['id']}", {"op": "replace", "value": {"active": False}})
    assert off.status_code == 204
    assert off.content == b""
    person.refresh_from_db()
    assert (person.email, person.full_name) == ("ada@acme.example", "Ada Lovelace")
    assert not Membership.objects.filter(user=person, organization=scim.organization).exists()
    assert Membership.objects.filter(user=person, organization=globex_scim.organization).exists()
    globex_sponsorship.refresh_from_db()
    assert globex_sponsorship.status == Sponsorship.Status.ACTIVE
    globex_record = ScimUser.objects.get(public_id=in_globex["id"])
    assert (globex_record.active, globex_record.department) == (True, "")
    assert globex_scim.get(f"/Users/{in_globex['id']}").json_body["active"] is True
