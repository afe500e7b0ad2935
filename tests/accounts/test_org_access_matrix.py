"""Every organisation endpoint, web and API, as owner, teammate and outsider.

The outsider (an admin of another organisation) always gets 404 and changes
nothing; a plain member is refused whatever only admins may do; and every
refused request leaves the organisation exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.org_world import API, WEB, MatrixEndpoint, World, csv_upload, fill, snapshot
from tests.support.api import assert_api_error
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

PEOPLE = ("owner", "teammate", "outsider")


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("endpoint", API, ids=[e[0] for e in API])
def test_api_access(
    endpoint: MatrixEndpoint,
    who: str,
    world: World,
    request: pytest.FixtureRequest,
    api_client_for: Callable[[User | None], APIClient],
) -> None:
    _, method, path, body, expected = endpoint
    client = api_client_for(request.getfixturevalue(who))
    ids = world.ids()
    url = "/api/v1/" + path.format(**ids)
    before = snapshot(world.org)
    if body == "csv":
        response = client.post(url, {"file": csv_upload(), "mode": "dry_run"}, format="multipart")
    else:
        response = getattr(client, method)(url, fill(body, ids), format="json")
    status = expected.get(who, 404)
    assert response.status_code == status, response.content[:300]
    if status >= 400:
        assert snapshot(world.org) == before
        assert set(response.json()) == {"error"}


@pytest.mark.parametrize("endpoint", API, ids=[e[0] for e in API])
def test_api_asks_anonymous_callers_to_authenticate(endpoint: MatrixEndpoint, world: World) -> None:
    _, method, path, _, _ = endpoint
    before = snapshot(world.org)
    response = getattr(APIClient(), method)("/api/v1/" + path.format(**world.ids()))
    assert_api_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert snapshot(world.org) == before


# Requests the person may make, so the organisation is allowed to change.
WEB_CHANGES = {
    ("owner", n)
    for n in (
        "invite",
        "resend",
        "revoke-invitation",
        "role",
        "remove",
        "enrol",
        "import",
        "new-challenge",
    )
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("endpoint", WEB, ids=[e[0] for e in WEB])
def test_web_access(
    endpoint: MatrixEndpoint,
    who: str,
    world: World,
    request: pytest.FixtureRequest,
    client: Client,
) -> None:
    name, method, path, data, expected = endpoint
    sign_in_with_second_factor(client, request.getfixturevalue(who))
    ids = world.ids()
    url = "/organizations/" + path.format(**ids)
    before = snapshot(world.org)
    if data == "csv":
        response = client.post(url, {"file": csv_upload()})
    elif method == "post":
        response = client.post(url, fill(data, ids))
    else:
        response = client.get(url)
    assert response.status_code == expected.get(who, 404)
    if (who, name) not in WEB_CHANGES:
        assert snapshot(world.org) == before


def test_web_pages_send_anonymous_visitors_to_sign_in(world: World, client: Client) -> None:
    for _, method, path, _, _ in WEB:
        response = getattr(client, method)("/organizations/" + path.format(**world.ids()))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
