"""Provisioning people: create, find, update, deactivate, delete, through /scim/v2/Users."""

from __future__ import annotations

from accounts.models import Membership, User
from audit.models import AuditEvent
from scim.models import ScimUser
from tests.scim.conftest import ENTERPRISE, ERROR, USER, Scim


def test_creating_a_user_makes_an_account_and_a_membership(scim: Scim) -> None:
    body = scim.create_user(
        "ada@acme.example",
        name={"givenName": "Ada", "familyName": "Lovelace"},
        emails=[{"value": "ada@acme.example", "type": "work", "primary": True}],
        externalId="00u1",
        **{ENTERPRISE: {"employeeNumber": "E1", "department": "R&D"}},
    )
    assert body["userName"] == "ada@acme.example"
    assert body[ENTERPRISE] == {"employeeNumber": "E1", "department": "R&D"}
    user = User.objects.get(email="ada@acme.example")
    assert user.full_name == "Ada Lovelace"
    assert Membership.objects.filter(user=user, organization=scim.organization).exists()
    event = AuditEvent.objects.get(action="scim.user.provisioned")
    assert event.actor.startswith("scim:")


def test_a_duplicate_user_name_is_a_409_uniqueness_error(scim: Scim) -> None:
    scim.create_user("ada@acme.example")
    response = scim.call("POST", "/Users", {"schemas": [USER], "userName": "ADA@acme.example"})
    assert response.status_code == 409
    assert response.json_body["schemas"] == [ERROR]
    assert response.json_body["scimType"] == "uniqueness"
    assert ScimUser.objects.count() == 1


def test_deactivating_ends_the_membership(scim: Scim) -> None:
    created = scim.create_user("ada@acme.example")
    response = scim.patch(f"/Users/{created['id']}", {"op": "replace", "value": {"active": False}})
    assert response.status_code == 204
    assert ScimUser.objects.get(public_id=created["id"]).active is False
    user = User.objects.get(email="ada@acme.example")
    assert not Membership.objects.filter(user=user, organization=scim.organization).exists()
    assert AuditEvent.objects.filter(
        action="user.tokens_voided", actor__startswith="scim:"
    ).exists()
