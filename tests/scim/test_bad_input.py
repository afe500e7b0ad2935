"""Bad input gets a SCIM error with the right ``scimType``, never a 500 or a half-write."""

from __future__ import annotations

from typing import Any

import pytest

from scim.models import ScimUser
from tests.scim.conftest import ERROR, USER, Scim


def _error(response: Any, status: int, scim_type: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/scim+json")
    body: dict[str, Any] = response.json_body
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    if scim_type:
        assert body.get("scimType") == scim_type, body
    assert body.get("detail")
    return body


@pytest.mark.parametrize(
    "raw",
    [b"{", b"[]", b'"text"', b"\xff\xfe", b'{"schemas": ["' + USER.encode() + b'"]}'],
    ids=["truncated", "array", "string", "not-utf8", "no-userName"],
)
def test_malformed_user_bodies_are_refused(scim: Scim, raw: bytes) -> None:
    response = scim.call("POST", "/Users", raw=raw)
    assert response.status_code == 400, response.content
    assert response.json_body["schemas"] == [ERROR]
    assert ScimUser.objects.count() == 0


def test_an_unknown_attribute_is_refused(scim: Scim) -> None:
    body = {"schemas": [USER], "userName": "ada@acme.example", "shoeSize": 44}
    _error(scim.call("POST", "/Users", body), 400, "invalidSyntax")
    assert ScimUser.objects.count() == 0


def test_an_unknown_schema_extension_is_refused(scim: Scim) -> None:
    body = {
        "schemas": [USER, "urn:example:params:scim:schemas:extension:acme:2.0:User"],
        "userName": "ada@acme.example",
        "urn:example:params:scim:schemas:extension:acme:2.0:User": {"badge": "1"},
    }
    assert scim.call("POST", "/Users", body).status_code == 400


def test_a_user_without_an_address_is_kept_but_given_no_standing(scim: Scim) -> None:
    body = {"schemas": [USER], "userName": "not-an-address"}
    assert scim.call("POST", "/Users", body).status_code == 201
    record = ScimUser.objects.get()
    assert (record.user, record.email) == (None, "")


def test_an_email_that_is_not_an_address_is_refused(scim: Scim) -> None:
    body = {"schemas": [USER], "userName": "ada", "emails": [{"value": "=cmd|x@acme.example"}]}
    _error(scim.call("POST", "/Users", body), 400, "invalidValue")


@pytest.mark.parametrize(
    ("query", "scim_type"),
    [
        ('userName eq "x" or', "invalidFilter"),
        ('shoeSize eq "44"', "invalidFilter"),
        ("userName eq 3", "invalidFilter"),
        ('active gt "x"', "invalidFilter"),
    ],
)
def test_invalid_filters_are_invalid_filter_errors(scim: Scim, query: str, scim_type: str) -> None:
    _error(scim.get("/Users", filter=query), 400, scim_type)


def test_an_oversize_body_is_refused_unread(scim: Scim, settings: Any) -> None:
    settings.IDV_SCIM_MAX_BODY_BYTES = 16 * 1024
    body = {"schemas": [USER], "userName": "ada@acme.example", "displayName": "x" * 20_000}
    _error(scim.call("POST", "/Users", body), 413)


@pytest.mark.parametrize(
    ("operation", "scim_type"),
    [
        ({"op": "replace", "path": "shoeSize", "value": "44"}, "invalidPath"),
        ({"op": "replace", "path": 'emails[type eq "work"', "value": "x"}, "invalidPath"),
        ({"op": "replace", "value": {"shoeSize": 44}}, "invalidValue"),
        ({"op": "remove", "path": "userName"}, "mutability"),
        ({"op": "jump", "path": "active", "value": True}, "invalidValue"),
        ({"op": "replace", "path": "active", "value": "maybe"}, "invalidValue"),
        ({"op": "replace", "path": "id", "value": "mine"}, "mutability"),
    ],
)
def test_patches_that_cannot_apply_are_refused_and_change_nothing(
    scim: Scim, operation: dict[str, Any], scim_type: str
) -> None:
    created = scim.create_user("ada@acme.example")
    response = scim.patch(f"/Users/{created['id']}", operation)
    assert response.status_code == 400, response.content
    assert response.json_body["schemas"] == [ERROR]
    assert response.json_body.get("scimType") in (
        scim_type,
        "invalidSyntax",
        "invalidValue",
        "invalidPath",
        "mutability",
        "noTarget",
    )
    record = ScimUser.objects.get(public_id=created["id"])
    assert (record.version, record.user_name, record.active) == (1, "ada@acme.example", True)


def test_an_unknown_resource_and_an_unknown_endpoint_are_scim_404s(scim: Scim) -> None:
    _error(scim.get("/Users/2819c223-7f76-453a-919d-413861904646"), 404)
    _error(scim.get("/Users/not-a-uuid"), 404)
    _error(scim.get("/Widgets"), 404)


def test_bulk_is_not_offered(scim: Scim) -> None:
    response = scim.call(
        "POST",
        "/Bulk",
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": []},
    )
    _error(response, 501)


def test_a_stale_if_match_is_412_and_the_current_one_works(scim: Scim) -> None:
    created = scim.create_user("ada@acme.example")
    etag = created["meta"]["version"]
    first = scim.patch(
        f"/Users/{created['id']}",
        {"op": "replace", "path": "displayName", "value": "A"},
        if_match=etag,
    )
    assert first.status_code == 204  # applied; the new version is in the ETag
    assert ScimUser.objects.get(public_id=created["id"]).display_name == "A"
    assert first["ETag"] != etag
    stale = scim.patch(
        f"/Users/{created['id']}",
        {"op": "replace", "path": "displayName", "value": "B"},
        if_match=etag,
    )
    _error(stale, 412)
    assert ScimUser.objects.get(public_id=created["id"]).display_name == "A"
    not_modified = scim.call(
        "GET", f"/Users/{created['id']}", headers={"If-None-Match": first["ETag"]}
    )
    assert not_modified.status_code == 304
