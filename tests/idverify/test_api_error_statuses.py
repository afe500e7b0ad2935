"""Each error the API answers is one the schema lists for that operation, with that body.

Every case is a real request: its answer must be the documented status and
code in the one error shape, and the schema's response for that operation and
status must describe that very body.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Organization, User
from accounts.services.invitations import invitation_create, invitation_revoke
from entitlements.models import ModelTier
from tests.entitlements.support import person, tier
from tests.support.api import assert_api_error
from tests.support.clock import ThrottleClock

pytestmark = pytest.mark.django_db

ApiClientFor = Callable[[User | None], APIClient]


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    loaded: dict[str, Any] = json.loads(response.content)
    return loaded


def _documented_body(schema: dict[str, Any], operation: str, status: int) -> dict[str, Any]:
    """The schema's body for this answer, its references resolvable; fails when the status
    is not listed."""
    method, path = operation.split(" ")
    responses = schema["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{operation} does not list {status}: {list(responses)}"
    response = responses[str(status)]
    if "$ref" in response:
        response = schema["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    body = response["content"]["application/json"]["schema"]
    return {**body, "components": schema["components"]}


def assert_documented(
    schema: dict[str, Any], operation: str, response: Any, *, status: int, code: str
) -> dict[str, Any]:
    """The answer is this error, and the schema lists it for the operation with its body."""
    error = assert_api_error(response, status, code)
    # The error components use no OpenAPI-only keyword the answers here would meet.
    jsonschema.validate(json.loads(response.content), _documented_body(schema, operation, status))
    return error


def test_a_body_over_the_server_cap_is_a_documented_413(
    schema: dict[str, Any], api_client_for: ApiClientFor, settings: Any
) -> None:
    settings.IDV_MAX_REQUEST_BYTES = 1024
    response = api_client_for(person(2)).post(
        "/api/v1/tokens", {"model": "x" * 2048}, format="json"
    )
    error = assert_documented(
        schema, "POST /api/v1/tokens", response, status=413, code="request_too_large"
    )
    assert "at most" in error["message"]


def test_unknown_ids_are_documented_404s(
    schema: dict[str, Any], api_client_for: ApiClientFor, owner: User, org: Organization
) -> None:
    client = api_client_for(owner)
    unknown = uuid.uuid4()
    cases = [
        ("/api/v1/tiers/{slug}", "/api/v1/tiers/no-such-model"),
        ("/api/v1/documents/{document_id}", f"/api/v1/documents/{unknown}"),
        (
            "/api/v1/organizations/{org_id}/enrolments/{job_id}",
            f"/api/v1/organizations/{org.public_id}/enrolments/{unknown}",
        ),
    ]
    for path, url in cases:
        assert_documented(schema, f"GET {path}", client.get(url), status=404, code="not_found")
    accept = client.post("/api/v1/invitations/accept", {"token": "not-a-link"}, format="json")
    assert_documented(
        schema, "POST /api/v1/invitations/accept", accept, status=404, code="not_found"
    )
    current = client.get("/api/v1/attestations/current")
    assert_documented(
        schema, "GET /api/v1/attestations/current", current, status=404, code="no_attestation"
    )


def test_acts_the_current_state_forbids_are_documented_409s(
    schema: dict[str, Any], api_client_for: ApiClientFor, owner: User, org: Organization
) -> None:
    client = api_client_for(owner)
    check = client.post(f"/api/v1/organizations/{org.public_id}/domain-challenge/check")
    path = "/api/v1/organizations/{org_id}/domain-challenge/check"
    assert_documented(schema, f"POST {path}", check, status=409, code="conflict")

    invitation = invitation_create(actor=owner, organization=org, email="new@example.com")
    invitation_revoke(actor=owner, organization=org, invitation=invitation)
    resend = client.post(
        f"/api/v1/organizations/{org.public_id}/invitations/{invitation.public_id}/resend"
    )
    path = "/api/v1/organizations/{org_id}/invitations/{invitation_id}/resend"
    error = assert_documented(schema, f"POST {path}", resend, status=409, code="conflict")
    assert "revoked" in error["message"]


def test_a_bad_key_on_a_public_operation_is_a_documented_401(schema: dict[str, Any]) -> None:
    tier("fable-5")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer idv_pat_" + "a" * 36)
    response = client.get("/api/v1/tiers")
    assert_documented(
        schema, "GET /api/v1/tiers", response, status=401, code="authentication_failed"
    )
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_negotiation_and_media_type_errors_are_documented(
    schema: dict[str, Any], api_client_for: ApiClientFor, stranger: User
) -> None:
    client = api_client_for(stranger)
    png = client.get("/api/v1/me", headers={"Accept": "image/png"})
    assert_documented(schema, "GET /api/v1/me", png, status=406, code="not_acceptable")
    text = client.post("/api/v1/attestations", "status=x", content_type="text/plain")
    assert_documented(
        schema, "POST /api/v1/attestations", text, status=415, code="unsupported_media_type"
    )


def test_a_refused_token_lists_its_reasons_as_documented(
    schema: dict[str, Any], api_client_for: ApiClientFor
) -> None:
    ModelTier.objects.all().delete()
    tier("fable-5", min_level=3)
    response = api_client_for(person(1)).post("/api/v1/tokens", {"model": "fable-5"}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["error"]["code"] == "entitlement_denied"
    assert body["reasons"]
    assert all({"code", "message"} <= set(reason) for reason in body["reasons"])
    documented = _documented_body(schema, "POST /api/v1/tokens", 403)
    jsonschema.validate(body, documented)
    denied = {"$ref": "#/components/schemas/EntitlementDenied", "components": schema["components"]}
    jsonschema.validate(body, denied)


def test_throttling_is_a_documented_429_with_retry_after(
    schema: dict[str, Any],
    api_client_for: ApiClientFor,
    stranger: User,
    throttle_clock: ThrottleClock,
) -> None:
    client = api_client_for(stranger)
    for _ in range(10):  # the "auth" scope allows 10 key creations a minute
        assert client.post("/api/v1/api-keys", {"name": "k"}, format="json").status_code == 201
    response = client.post("/api/v1/api-keys", {"name": "k"}, format="json")
    assert_documented(schema, "POST /api/v1/api-keys", response, status=429, code="throttled")
    assert response["Retry-After"] == "59"  # the clock stands one second into the minute
