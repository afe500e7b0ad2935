"""Listing with filters, paging and attribute selection, as IdPs query."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scim.conftest import ENTERPRISE, GROUP, Scim


@pytest.fixture
def people(scim: Scim) -> list[dict[str, Any]]:
    return [
        scim.create_user(
            f"person{n}@acme.example",
            externalId=f"ext-{n}",
            name={"givenName": f"Given{n}", "familyName": "Family" if n % 2 else "Other"},
            emails=[{"value": f"person{n}@acme.example", "type": "work", "primary": True}],
            active=n != 3,
            **{ENTERPRISE: {"employeeNumber": f"E{n}", "department": "R&D" if n < 3 else "Ops"}},
        )
        for n in range(6)
    ]


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["userName"] for r in response.json_body.get("Resources", [])]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('userName eq "PERSON1@acme.example"', ["person1@acme.example"]),
        ('externalId eq "ext-2"', ["person2@acme.example"]),
        ('externalId eq "EXT-2"', []),
        ('emails[type eq "work"].value eq "Person4@Acme.example"', ["person4@acme.example"]),
        ('emails[type eq "work" and value eq "person4@acme.example"]', ["person4@acme.example"]),
        ('emails.value co "son5@"', ["person5@acme.example"]),
        ('userName sw "person1"', ["person1@acme.example"]),
        ('userName ew "5@acme.example"', ["person5@acme.example"]),
        (
            'name.familyName eq "family" and active eq true',
            ["person1@acme.example", "person5@acme.example"],
        ),
        (
            'userName eq "person0@acme.example" or userName eq "person2@acme.example"',
            ["person0@acme.example", "person2@acme.example"],
        ),
        ('active eq "False"', ["person3@acme.example"]),
        ("not (active eq true)", ["person3@acme.example"]),
        (
            f'{ENTERPRISE}:department eq "ops" and {ENTERPRISE}:employeeNumber ne "E3"',
            ["person4@acme.example", "person5@acme.example"],
        ),
        ("displayName pr", []),
        (
            'meta.lastModified gt "2000-01-01T00:00:00Z" and userName eq "person0@acme.example"',
            ["person0@acme.example"],
        ),
    ],
)
def test_filters(scim: Scim, people: Any, query: str, expected: list[str]) -> None:
    assert _ids(scim.get("/Users", filter=query)) == expected


def test_paging_with_start_index_and_count(scim: Scim, people: Any) -> None:
    page = scim.get("/Users", startIndex="2", count="2")
    assert page.json_body["totalResults"] == 6
    assert page.json_body["startIndex"] == 2
    assert page.json_body["itemsPerPage"] == 2
    assert _ids(page) == ["person1@acme.example", "person2@acme.example"]
    assert scim.get("/Users", count="0").json_body["totalResults"] == 6
    assert _ids(scim.get("/Users", startIndex="6", count="10")) == ["person5@acme.example"]


def test_attributes_and_excluded_attributes(scim: Scim, people: Any) -> None:
    only = scim.get("/Users", filter='userName eq "person0@acme.example"', attributes="userName")
    resource = only.json_body["Resources"][0]
    assert set(resource) == {"schemas", "id", "userName"}
    without = scim.get(f"/Users/{people[0]['id']}", excludedAttributes="emails,name")
    assert "emails" not in without.json_body
    assert "name" not in without.json_body
    assert without.json_body["userName"] == "person0@acme.example"


def test_groups_filter_by_display_name_and_member(scim: Scim, people: Any) -> None:
    scim.call(
        "POST",
        "/Groups",
        {"schemas": [GROUP], "displayName": "Ops", "members": [{"value": people[4]["id"]}]},
    )
    scim.call("POST", "/Groups", {"schemas": [GROUP], "displayName": "R&D"})
    by_name = scim.get("/Groups", filter='displayName eq "ops"')
    assert [g["displayName"] for g in by_name.json_body["Resources"]] == ["Ops"]
    by_member = scim.get("/Groups", filter=f'members[value eq "{people[4]["id"]}"]')
    assert [g["displayName"] for g in by_member.json_body["Resources"]] == ["Ops"]
