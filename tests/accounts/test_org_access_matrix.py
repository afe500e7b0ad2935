"""Every organisation endpoint, web and API, as owner, teammate and outsider.

The outsider (an admin of another organisation) always gets 404 and changes
nothing; a plain member is refused whatever only admins may do; and every
refused request leaves the organisation exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.enrolment.runner import enrolment_job_run
from accounts.models import (
    DomainChallenge,
    EnrolmentJob,
    Invitation,
    Membership,
    Organization,
    RosterEntry,
    Sponsorship,
    User,
)
from accounts.services.domain_challenges import domain_challenge_create
from accounts.services.enrolments import enrolment_submit
from accounts.services.sponsorships import sponsorship_create
from tests.accounts.dns_server import dns_server
from tests.accounts.factories import HEADER, csv_bytes, csv_file, invitation, signing_official
from tests.support.api import assert_api_error
from tests.support.factories import MembershipFactory
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

PEOPLE = ("owner", "teammate", "outsider")


@dataclass
class World:
    org: Organization
    member2: User
    invitation: Invitation
    sponsorship: Sponsorship
    job: EnrolmentJob

    def ids(self) -> dict[str, str]:
        return {
            "org": str(self.org.public_id),
            "member": str(self.member2.public_id),
            "inv": str(self.invitation.public_id),
            "sp": str(self.sponsorship.public_id),
            "job": str(self.job.public_id),
        }


@pytest.fixture
def world(
    org: Organization, owner: User, teammate: User, outsider: User, settings: Any
) -> Iterator[World]:
    org.website_domain = "owner-org.example"
    org.save()
    signer = signing_official(org)
    member2 = MembershipFactory.create(organization=org, user__email="member2@example.com").user
    sponsorship = sponsorship_create(actor=signer, organization=org, user=teammate, basis="I-9")
    domain_challenge_create(actor=owner, organization=org)
    data = csv_bytes(HEADER, "new.person@example.com,New,Person,,,", "bad,X,Y,,,")
    job = enrolment_submit(
        actor=owner,
        organization=org,
        file=csv_file(data),
        filename="s.csv",
        size=len(data),
        mode="dry_run",
    )
    enrolment_job_run(job_id=job.pk)
    job.refresh_from_db()
    with dns_server() as server:
        settings.IDV_DNS_NAMESERVERS = [server.address]
        yield World(
            org, member2, invitation(org, "invited@example.com", invited_by=owner), sponsorship, job
        )


def snapshot(org: Organization) -> tuple[object, ...]:
    org.refresh_from_db()
    return (
        org.status,
        sorted(Membership.objects.filter(organization=org).values_list("user__email", "role")),
        sorted(
            Invitation.objects.filter(organization=org).values_list(
                "email", "generation", "revoked_at", "accepted_at"
            ),
            key=str,
        ),
        sorted(Sponsorship.objects.filter(organization=org).values_list("user__email", "status")),
        EnrolmentJob.objects.filter(organization=org).count(),
        RosterEntry.objects.filter(organization=org).count(),
        DomainChallenge.objects.filter(organization=org).count(),
    )


def _csv() -> Any:
    return csv_file(csv_bytes(HEADER, "someone@example.com,Some,One,,,"))


# (name, method, path, body, {person: expected status})
API: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("detail", "get", "organizations/{org}", None, {"owner": 200, "teammate": 200}),
    ("members", "get", "organizations/{org}/members", None, {"owner": 200, "teammate": 200}),
    (
        "invitations",
        "get",
        "organizations/{org}/invitations",
        None,
        {"owner": 200, "teammate": 403},
    ),
    (
        "sponsorships",
        "get",
        "organizations/{org}/sponsorships",
        None,
        {"owner": 200, "teammate": 200},
    ),
    ("enrolments", "get", "organizations/{org}/enrolments", None, {"owner": 200, "teammate": 403}),
    (
        "enrolment",
        "get",
        "organizations/{org}/enrolments/{job}",
        None,
        {"owner": 200, "teammate": 403},
    ),
    (
        "results",
        "get",
        "organizations/{org}/enrolments/{job}/results",
        None,
        {"owner": 200, "teammate": 403},
    ),
    (
        "challenge",
        "get",
        "organizations/{org}/domain-challenge",
        None,
        {"owner": 200, "teammate": 403},
    ),
    (
        "invite",
        "post",
        "organizations/{org}/invitations",
        {"email": "x@example.com"},
        {"owner": 201, "teammate": 403},
    ),
    (
        "resend",
        "post",
        "organizations/{org}/invitations/{inv}/resend",
        {},
        {"owner": 200, "teammate": 403},
    ),
    (
        "revoke-invitation",
        "delete",
        "organizations/{org}/invitations/{inv}",
        None,
        {"owner": 200, "teammate": 403},
    ),
    (
        "role",
        "patch",
        "organizations/{org}/members/{member}",
        {"role": "org_admin"},
        {"owner": 200, "teammate": 403},
    ),
    (
        "remove",
        "delete",
        "organizations/{org}/members/{member}",
        None,
        {"owner": 204, "teammate": 403},
    ),
    (
        "sponsor",
        "post",
        "organizations/{org}/sponsorships",
        {"user": "{member}", "basis": "I-9"},
        {"owner": 403, "teammate": 404},
    ),
    (
        "revoke-sponsorship",
        "post",
        "organizations/{org}/sponsorships/{sp}/revoke",
        {"reason": "x"},
        {"owner": 403, "teammate": 403},
    ),
    ("enrol", "post", "organizations/{org}/enrolments", "csv", {"owner": 202, "teammate": 403}),
    (
        "import",
        "post",
        "organizations/{org}/enrolments/{job}/commit",
        {"valid_only": True},
        {"owner": 202, "teammate": 403},
    ),
    (
        "new-challenge",
        "post",
        "organizations/{org}/domain-challenge",
        {},
        {"owner": 201, "teammate": 403},
    ),
    (
        "check-challenge",
        "post",
        "organizations/{org}/domain-challenge/check",
        {},
        {"owner": 409, "teammate": 403},
    ),
    (
        "verify",
        "post",
        "organizations/{org}/verify",
        {"reason": "x"},
        {"owner": 403, "teammate": 403},
    ),
    (
        "reject",
        "post",
        "organizations/{org}/reject",
        {"reason": "x"},
        {"owner": 403, "teammate": 403},
    ),
    (
        "suspend",
        "post",
        "organizations/{org}/suspend",
        {"reason": "x"},
        {"owner": 403, "teammate": 403},
    ),
]


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("endpoint", API, ids=[e[0] for e in API])
def test_api_access(
    endpoint: tuple[str, str, str, Any, dict[str, int]],
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
        response = client.post(url, {"file": _csv(), "mode": "dry_run"}, format="multipart")
    else:
        response = getattr(client, method)(url, _fill(body, ids), format="json")
    status = expected.get(who, 404)
    assert response.status_code == status, response.content[:300]
    if status >= 400:
        assert snapshot(world.org) == before
        assert set(response.json()) == {"error"}


@pytest.mark.parametrize("endpoint", API, ids=[e[0] for e in API])
def test_api_asks_anonymous_callers_to_authenticate(
    endpoint: tuple[str, str, str, Any, dict[str, int]], world: World
) -> None:
    _, method, path, _, _ = endpoint
    before = snapshot(world.org)
    response = getattr(APIClient(), method)("/api/v1/" + path.format(**world.ids()))
    assert_api_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert snapshot(world.org) == before


# (name, method, path, data, {person: expected status})
WEB: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("overview", "get", "{org}/", None, {"owner": 200, "teammate": 200}),
    ("members", "get", "{org}/members", None, {"owner": 200, "teammate": 200}),
    ("invitations", "get", "{org}/invitations", None, {"owner": 200, "teammate": 403}),
    ("sponsorships", "get", "{org}/sponsorships", None, {"owner": 200, "teammate": 200}),
    ("enrolments", "get", "{org}/enrolments", None, {"owner": 200, "teammate": 403}),
    ("enrolment", "get", "{org}/enrolments/{job}/", None, {"owner": 200, "teammate": 403}),
    ("results", "get", "{org}/enrolments/{job}/results.csv", None, {"owner": 200, "teammate": 403}),
    (
        "invite",
        "post",
        "{org}/invitations",
        {"email": "x@example.com", "role": "member"},
        {"owner": 302, "teammate": 403},
    ),
    ("resend", "post", "{org}/invitations/{inv}/resend", {}, {"owner": 302, "teammate": 403}),
    (
        "revoke-invitation",
        "post",
        "{org}/invitations/{inv}/revoke",
        {},
        {"owner": 302, "teammate": 403},
    ),
    (
        "role",
        "post",
        "{org}/members/{member}/role",
        {"role": "org_admin"},
        {"owner": 302, "teammate": 403},
    ),
    ("remove", "post", "{org}/members/{member}/remove", {}, {"owner": 302, "teammate": 403}),
    (
        "sponsor",
        "post",
        "{org}/sponsorships",
        {"member": "{member}", "basis": "I-9", "period_months": 12},
        {"owner": 400, "teammate": 400},
    ),
    (
        "sponsor-candidates",
        "post",
        "{org}/sponsorships/candidates",
        {"member": "{member}", "basis": "I-9"},
        {"owner": 302, "teammate": 302},
    ),
    (
        "revoke-sponsorship",
        "post",
        "{org}/sponsorships/{sp}/revoke",
        {"reason": "x"},
        {"owner": 302, "teammate": 302},
    ),
    ("enrol", "post", "{org}/enrolments", "csv", {"owner": 302, "teammate": 403}),
    (
        "import",
        "post",
        "{org}/enrolments/{job}/import",
        {"valid_only": "1"},
        {"owner": 302, "teammate": 403},
    ),
    ("new-challenge", "post", "{org}/domain/new", {}, {"owner": 302, "teammate": 302}),
    ("check-challenge", "post", "{org}/domain/check", {}, {"owner": 302, "teammate": 302}),
    ("verify", "post", "{org}/verify", {"reason": "x"}, {"owner": 302, "teammate": 302}),
    ("reject", "post", "{org}/reject", {"reason": "x"}, {"owner": 302, "teammate": 302}),
    ("suspend", "post", "{org}/suspend", {"reason": "x"}, {"owner": 302, "teammate": 302}),
]
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
    endpoint: tuple[str, str, str, Any, dict[str, int]],
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
        response = client.post(url, {"file": _csv()})
    elif method == "post":
        response = client.post(url, _fill(data, ids))
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
