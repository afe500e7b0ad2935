"""Every API error has one JSON shape, whatever raised it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.support.api import assert_api_error
from tests.support.clock import ThrottleClock
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def test_the_main_error_kinds_share_one_shape(
    api_client_for: Callable[[User | None], APIClient], teammate: User, outsider: User, org: object
) -> None:
    # A plain member: an admin's key may not create keys at all (mfa_required).
    client = api_client_for(teammate)

    # 400: a validation error names the field.
    assert_api_error(
        client.post("/api/v1/api-keys", {}, format="json"), 400, "invalid", field="name"
    )
    # 400: a body that is not JSON at all.
    response = client.post("/api/v1/api-keys", "{not json", content_type="application/json")
    assert_api_error(response, 400, "malformed_request")
    # 401: no credentials, with a challenge telling how to authenticate.
    response = APIClient().get("/api/v1/me")
    assert_api_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    # 401: a key that does not exist.
    bogus = APIClient()
    bogus.credentials(HTTP_AUTHORIZATION="Bearer idv_pat_" + "a" * 36)
    assert_api_error(bogus.get("/api/v1/me"), 401, "authentication_failed")
    # 404: an organisation the caller cannot see looks exactly like one that does not exist.
    assert_api_error(
        api_client_for(outsider).get(f"/api/v1/organizations/{org.public_id}/members"),  # type: ignore[attr-defined]
        404,
        "not_found",
    )
    # 404: no such endpoint at all.
    assert_api_error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    # 405: a method the endpoint does not take, with the Allow header.
    response = client.put("/api/v1/me", {}, format="json")
    assert_api_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
    # 415: a media type the endpoint cannot parse.
    response = client.post("/api/v1/api-keys", "name=x", content_type="text/plain")
    assert_api_error(response, 415, "unsupported_media_type")


def test_throttled_requests_get_429_with_retry_after(
    api_client_for: Callable[[User | None], APIClient],
    teammate: User,
    throttle_clock: ThrottleClock,
) -> None:
    client = api_client_for(teammate)
    for number in range(10):  # the "auth" scope allows 10 key creations a minute
        created = client.post("/api/v1/api-keys", {"name": f"k{number}"}, format="json")
        assert created.status_code == 201, created.content
    response = client.post("/api/v1/api-keys", {"name": "one too many"}, format="json")
    error = assert_api_error(response, 429, "throttled")
    # The clock stands one second into the minute: the window ends in 59.
    assert response["Retry-After"] == "59"
    assert error["retry_after"] == 59


def test_403_from_a_csrf_failure_on_an_api_path_is_json(owner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in_with_second_factor(client, owner)
    response = client.post("/api/v1/api-keys", {"name": "x"}, content_type="application/json")
    assert_api_error(response, 403, "permission_denied")


def test_a_crash_on_an_api_path_is_a_json_500_without_details(
    client: Client, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts import apis

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(apis.MeApi, "get", explode)
    user = User.objects.create_user("crash@example.com", "pw-long-enough-123")
    client.force_login(user)
    client.raise_request_exception = False
    response = client.get("/api/v1/me")
    error = assert_api_error(response, 500, "server_error")
    assert "secret internals" not in response.content.decode()
    assert "logged" in error["message"]


def test_non_api_pages_keep_html_error_pages(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Page not found" in response.content
