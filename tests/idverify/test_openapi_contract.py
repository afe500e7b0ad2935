"""What the schema says about errors and media types, operation by operation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SHARED = "#/components/responses/"


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    loaded: dict[str, Any] = json.loads(response.content)
    return loaded


def statuses(schema: dict[str, Any], operation: str) -> set[str]:
    method, path = operation.split(" ")
    return set(schema["paths"][path][method.lower()]["responses"])


def test_each_error_status_is_one_shared_response_with_the_one_error_body(
    schema: dict[str, Any],
) -> None:
    shared = schema["components"]["responses"]
    for name in ("BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict"):
        body = shared[name]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Error"}
    assert shared["Unauthorized"]["headers"]["WWW-Authenticate"]["required"] is True
    assert "Retry-After" in shared["TooManyRequests"]["headers"]
    error = schema["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["required"] == ["code", "message"]
    me = schema["paths"]["/api/v1/me"]["get"]["responses"]
    assert me["401"] == {"$ref": SHARED + "Unauthorized"}


def test_the_errors_listed_follow_from_how_each_operation_is_reached(
    schema: dict[str, Any],
) -> None:
    # Credentials read: 401 and 429. A session accepted: 403. An id in the path: 404.
    # A body: 400, 413, 415. Every operation negotiates its media type: 406.
    assert statuses(schema, "GET /api/v1/me") == {"200", "401", "403", "406", "429"}
    assert {"400", "404", "413", "415"} <= statuses(schema, "PATCH /api/v1/tiers/{slug}")
    assert "404" not in statuses(schema, "GET /api/v1/me")
    assert "400" not in statuses(schema, "POST /api/v1/organizations/{org_id}/domain-challenge")
    # Machine endpoints read no credentials and have no throttle.
    for public in ("GET /.well-known/jwks.json", "GET /.well-known/idverify"):
        assert statuses(schema, public) == {"200", "406"}
    assert statuses(schema, "GET /api/v1/revocations") == {"200", "304", "406", "503"}
    # Model API clients use HTTP Basic, not a session: no CSRF, no 403.
    assert "403" not in statuses(schema, "POST /api/v1/introspect")


def test_what_a_view_alone_knows_it_declares(schema: dict[str, Any]) -> None:
    check = schema["paths"]["/api/v1/organizations/{org_id}/domain-challenge/check"]["post"]
    assert "domain_not_proven" in check["responses"]["409"]["description"]
    assert check["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "503" in check["responses"]
    token = schema["paths"]["/api/v1/tokens"]["post"]["responses"]["403"]
    assert token["content"]["application/json"]["schema"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/EntitlementDenied"},
            {"$ref": "#/components/schemas/Error"},
        ]
    }
    denied = schema["components"]["schemas"]["EntitlementDenied"]
    assert denied["required"] == ["error", "reasons"]


def test_the_signed_document_is_documented_as_the_jws_it_is(schema: dict[str, Any]) -> None:
    get = schema["paths"]["/api/v1/revocations"]["get"]
    assert set(get["responses"]["200"]["content"]) == {"application/jwt"}
    assert get["responses"]["200"]["headers"]["ETag"]["required"] is True
    # ?format= changes nothing any operation answers, so no operation offers it.
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert "format" not in {p["name"] for p in operation.get("parameters", [])}
    post = schema["paths"]["/api/v1/revocations"]["post"]["responses"]["201"]
    assert set(post["content"]) == {"application/json"}
    jwks = schema["paths"]["/.well-known/jwks.json"]["get"]["responses"]["200"]
    ref = jwks["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/Jwks"
