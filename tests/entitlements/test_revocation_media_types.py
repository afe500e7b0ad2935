"""GET /api/v1/revocations answers a JWS as application/jwt; everything else is JSON."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.entitlements.support import tier
from tests.support.api import assert_api_error, json_body

pytestmark = pytest.mark.django_db

ApiClientFor = Callable[[User | None], APIClient]


def test_the_document_is_a_compact_jws_labelled_application_jwt() -> None:
    tier("fable-5")
    response = APIClient().get("/api/v1/revocations", headers={"Accept": "application/jwt"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwt"
    assert response.content.count(b".") == 2


def test_a_revocation_is_answered_as_json_to_a_verifier_that_takes_both(
    api_client_for: ApiClientFor, officer: User
) -> None:
    response = api_client_for(officer).post(
        "/api/v1/revocations",
        {"user": str(officer.public_id), "reason": "Test."},
        format="json",
        headers={"Accept": "application/jwt, application/json"},
    )
    assert response.status_code == 201, response.content
    assert json_body(response)["revoked"] == "user"


def test_a_revocation_that_can_only_be_answered_as_jwt_is_not_acceptable(
    api_client_for: ApiClientFor, officer: User
) -> None:
    # Only the document is a JWS. This answer used to be JSON labelled application/jwt,
    # which breaks any client that believes the label (and an error lost its message to
    # the error-shape safety net on the way out).
    response = api_client_for(officer).post(
        "/api/v1/revocations",
        {"user": str(officer.public_id), "reason": "Test."},
        format="json",
        headers={"Accept": "application/jwt"},
    )
    assert_api_error(response, 406, "not_acceptable")
