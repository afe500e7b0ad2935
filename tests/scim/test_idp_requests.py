"""The requests Okta and Microsoft Entra ID really send, from their published examples.

Entra ID: "Tutorial: Develop and plan provisioning for a SCIM endpoint" (request
examples) and its SCIM 2.0 compliance notes (the ``aadOptscim062020`` flag).
Okta: "SCIM 2.0 protocol reference" (user and group operations).
"""

from __future__ import annotations

from typing import Any

from accounts.models import Membership, User
from scim.models import ScimGroup, ScimUser
from tests.scim.conftest import ENTERPRISE, GROUP, USER, Scim

ENTRA_USER: dict[str, Any] = {
    "schemas": [USER, ENTERPRISE],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@acme.example",
    "active": True,
    "emails": [
        {
            "primary": True,
            "type": "work",
            "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2b@acme.example",
        }
    ],
    "meta": {"resourceType": "User"},
    "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName",
    },
    "roles": [],
}

OKTA_USER: dict[str, Any] = {
    "schemas": [USER],
    "userName": "test.user@acme.example",
    "name": {"givenName": "Test", "familyName": "User"},
    "emails": [{"primary": True, "value": "test.user@acme.example", "type": "work"}],
    "displayName": "Test User",
    "locale": "en-US",
    "externalId": "00ujl29u0le5T6Aj10h7",
    "groups": [],
    "password": "1mz050nq",
    "active": True,
}


# A PATCH that asks for no ``attributes`` is answered 204 with no body and the new
# ETag (RFC 7644 §3.5.2 allows 204 in place of 200 and the whole resource); each test
# then reads the record to show the change was made.


def _record(scim_id: str) -> ScimUser:
    return ScimUser.objects.select_related("user").get(public_id=scim_id)


# -- Microsoft Entra ID ---------------------------------------------------------------


def test_entra_creates_a_user_with_its_empty_roles_list(scim: Scim) -> None:
    response = scim.call("POST", "/Users", ENTRA_USER)
    assert response.status_code == 201, response.content
    assert "roles" not in response.json_body
    assert response.json_body["externalId"] == ENTRA_USER["externalId"]
    assert response["ETag"] == response.json_body["meta"]["version"]


def test_entra_finds_a_user_by_user_name_and_by_a_missing_one(scim: Scim) -> None:
    scim.call("POST", "/Users", ENTRA_USER)
    found = scim.get("/Users", filter=f'userName eq "{ENTRA_USER["userName"].upper()}"')
    assert found.json_body["totalResults"] == 1
    missing = scim.get("/Users", filter='userName eq "non-existent user"')
    assert missing.status_code == 200
    assert missing.json_body["totalResults"] == 0
    assert missing.json_body["Resources"] == [] or "Resources" not in missing.json_body


def test_entra_capitalised_replace_with_a_value_filtered_path(scim: Scim) -> None:
    created = scim.call("POST", "/Users", ENTRA_USER).json_body
    response = scim.patch(
        f"/Users/{created['id']}",
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "updated@acme.example"},
        {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
    )
    assert response.status_code == 204, response.content
    assert response.content == b""
    record = _record(created["id"])
    assert record.emails == [{"value": "updated@acme.example", "type": "work", "primary": True}]
    assert record.family_name == "updatedFamilyName"
    # The shared account keeps its own address: an IdP edits the organisation's record only.
    assert record.user is not None
    assert record.user.email == ENTRA_USER["emails"][0]["value"].lower()


def test_entra_adds_a_work_email_that_was_not_there(scim: Scim) -> None:
    created = scim.create_user("nomail@acme.example")
    response = scim.patch(
        f"/Users/{created['id']}",
        {"op": "Add", "path": 'emails[type eq "work"].value', "value": "work@acme.example"},
    )
    assert response.status_code == 204, response.content
    assert response.content == b""
    assert _record(created["id"]).emails == [{"value": "work@acme.example", "type": "work"}]


def test_entra_renames_a_user(scim: Scim) -> None:
    created = scim.call("POST", "/Users", ENTRA_USER).json_body
    response = scim.patch(
        f"/Users/{created['id']}",
        {"op": "Replace", "path": "userName", "value": "5b50642d@acme.example"},
    )
    assert response.status_code == 204
    assert response.content == b""
    assert response["ETag"] != created["meta"]["version"]
    assert response["ETag"] == scim.get(f"/Users/{created['id']}")["ETag"]
    assert _record(created["id"]).user_name == "5b50642d@acme.example"


def test_entra_disables_a_user_with_the_string_false(scim: Scim) -> None:
    created = scim.call("POST", "/Users", ENTRA_USER).json_body
    response = scim.patch(
        f"/Users/{created['id']}", {"op": "Replace", "path": "active", "value": "False"}
    )
    assert response.status_code == 204, response.content
    assert response.content == b""
    record = _record(created["id"])
    assert record.active is False
    assert not Membership.objects.filter(user=record.user, organization=scim.organization).exists()


def test_entra_flag_form_pathless_lowercase_with_a_real_boolean(scim: Scim) -> None:
    """With ``?aadOptscim062020`` in the tenant URL Entra sends RFC-shaped PATCHes."""
    created = scim.call("POST", "/Users?aadOptscim062020", ENTRA_USER).json_body
    response = scim.call(
        "PATCH",
        f"/Users/{created['id']}?aadOptscim062020",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": False, "displayName": "Babs"}}],
        },
    )
    assert response.status_code == 204, response.content
    assert response.content == b""
    record = _record(created["id"])
    assert (record.active, record.display_name) == (False, "Babs")


def test_entra_sends_attributes_we_do_not_keep_and_they_are_dropped(scim: Scim) -> None:
    created = scim.call("POST", "/Users", ENTRA_USER).json_body
    response = scim.patch(
        f"/Users/{created['id']}",
        {"op": "Add", "path": "title", "value": "tester"},
        {"op": "Replace", "path": 'phoneNumbers[type eq "work"].value', "value": "555-0100"},
        {"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": "someone"},
        {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Finance"},
    )
    assert response.status_code == 204, response.content
    assert response.content == b""
    assert _record(created["id"]).department == "Finance"


def test_entra_creates_a_group_adds_and_removes_members(scim: Scim) -> None:
    user = scim.call("POST", "/Users", ENTRA_USER).json_body
    group = scim.call(
        "POST",
        "/Groups",
        {
            "schemas": [GROUP],
            "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
            "displayName": "displayName",
            "meta": {"resourceType": "Group"},
        },
    ).json_body
    found = scim.get("/Groups", excludedAttributes="members", filter='displayName eq "displayName"')
    assert found.json_body["totalResults"] == 1
    assert "members" not in found.json_body["Resources"][0]
    added = scim.patch(
        f"/Groups/{group['id']}",
        {"op": "Add", "path": "members", "value": [{"$ref": None, "value": user["id"]}]},
    )
    assert added.status_code == 204, added.content
    assert added.content == b""
    assert ScimGroup.objects.get(public_id=group["id"]).members.count() == 1
    removed = scim.patch(
        f"/Groups/{group['id']}",
        {"op": "Remove", "path": "members", "value": [{"$ref": None, "value": user["id"]}]},
    )
    assert removed.status_code == 204, removed.content
    assert removed.content == b""
    assert ScimGroup.objects.get(public_id=group["id"]).members.count() == 0
    renamed = scim.patch(
        f"/Groups/{group['id']}",
        {"op": "Replace", "path": "displayName", "value": "1879db59updatedDisplayName"},
    )
    assert renamed.status_code == 204
    assert renamed.content == b""
    one = scim.get(f"/Groups/{group['id']}", excludedAttributes="members")
    assert one.json_body["displayName"] == "1879db59updatedDisplayName"
    assert scim.call("DELETE", f"/Groups/{group['id']}").status_code == 204


def test_entra_deletes_a_user(scim: Scim) -> None:
    created = scim.call("POST", "/Users", ENTRA_USER).json_body
    assert scim.call("DELETE", f"/Users/{created['id']}").status_code == 204
    assert scim.get(f"/Users/{created['id']}").status_code == 404
    user = User.objects.get(email=ENTRA_USER["emails"][0]["value"].lower())
    assert not Membership.objects.filter(user=user, organization=scim.organization).exists()


# -- Okta -----------------------------------------------------------------------------


def test_okta_looks_up_then_creates_with_a_password_it_never_gets_back(scim: Scim) -> None:
    lookup = scim.get(
        "/Users", filter='userName eq "test.user@acme.example"', startIndex="1", count="100"
    )
    assert lookup.json_body["totalResults"] == 0
    response = scim.call("POST", "/Users", OKTA_USER)
    assert response.status_code == 201, response.content
    assert "password" not in response.json_body
    user = User.objects.get(email="test.user@acme.example")
    assert not user.has_usable_password()


def test_okta_updates_a_profile_with_put(scim: Scim) -> None:
    created = scim.call("POST", "/Users", OKTA_USER).json_body
    replaced = {
        **OKTA_USER,
        "id": created["id"],
        "name": {"givenName": "Another", "familyName": "User"},
    }
    response = scim.call("PUT", f"/Users/{created['id']}", replaced)
    assert response.status_code == 200, response.content
    assert response.json_body["name"]["givenName"] == "Another"
    record = _record(created["id"])
    assert record.given_name == "Another"
    assert record.version == 2


def test_okta_deactivates_without_a_path_and_reactivates(scim: Scim) -> None:
    created = scim.call("POST", "/Users", OKTA_USER).json_body
    off = scim.patch(f"/Users/{created['id']}", {"op": "replace", "value": {"active": False}})
    assert off.status_code == 204, off.content
    assert off.content == b""
    record = _record(created["id"])
    assert not Membership.objects.filter(user=record.user, organization=scim.organization).exists()
    on = scim.patch(f"/Users/{created['id']}", {"op": "replace", "value": {"active": True}})
    assert on.status_code == 204
    assert on.content == b""
    assert _record(created["id"]).active is True
    # Reactivating an active user changes nothing, not even the version.
    again = scim.patch(f"/Users/{created['id']}", {"op": "replace", "value": {"active": True}})
    assert again.status_code == 204
    assert again.content == b""
    assert again["ETag"] == on["ETag"]
    assert Membership.objects.filter(user=record.user, organization=scim.organization).count() == 1


def test_okta_group_push_with_replace_value_naming_the_id_and_filtered_removal(scim: Scim) -> None:
    user = scim.call("POST", "/Users", OKTA_USER).json_body
    group = scim.call(
        "POST", "/Groups", {"schemas": [GROUP], "displayName": "Test SCIMv2", "members": []}
    ).json_body
    renamed = scim.patch(
        f"/Groups/{group['id']}",
        {"op": "replace", "value": {"id": group["id"], "displayName": "updatedDisplayName"}},
    )
    assert renamed.status_code == 204, renamed.content
    assert renamed.content == b""
    scim.patch(
        f"/Groups/{group['id']}",
        {"op": "add", "path": "members", "value": [{"value": user["id"], "display": "test.user"}]},
    )
    removed = scim.patch(
        f"/Groups/{group['id']}", {"op": "remove", "path": f'members[value eq "{user["id"]}"]'}
    )
    assert removed.status_code == 204, removed.content
    assert removed.content == b""
    stored = ScimGroup.objects.get(public_id=group["id"])
    assert (stored.display_name, stored.members.count()) == ("updatedDisplayName", 0)
    put = scim.call(
        "PUT",
        f"/Groups/{group['id']}",
        {
            "schemas": [GROUP],
            "id": group["id"],
            "displayName": "Test SCIMv2",
            "members": [{"value": user["id"], "display": "test.user@acme.example"}],
        },
    )
    assert put.status_code == 200, put.content
    assert [m["value"] for m in put.json_body["members"]] == [user["id"]]
