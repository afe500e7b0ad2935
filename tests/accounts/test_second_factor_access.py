"""Every privileged page and API, for a privileged person without a second factor, with one
not used in this session, and after a real sign-in with an authenticator-app code.

The web lists name each privileged page; the API lists each privileged operation.
``test_every_page_and_api_is_classified`` fails when a view is added without
being listed here or among the pages anyone may use, so a new privileged page
cannot go untested.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from accounts.enrolment.runner import enrolment_job_run
from accounts.models import EnrolmentJob, Organization, User
from attestations.models import DocumentType
from attestations.services import document_submit
from audit.models import AuditEvent
from entitlements.models import IssuedToken, ModelTier
from entitlements.services.tokens import token_issue
from tests.accounts import org_world
from tests.accounts.org_world import World, csv_upload, fill
from tests.attestations import images
from tests.attestations.factories import AttestationFactory
from tests.entitlements.support import person, signals, tier
from tests.support.api import assert_api_error
from tests.support.factories import OrganizationFactory, UserFactory
from tests.support.people import enrol_totp, sign_in_with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]

# Saving fable-5 keeps its requirements (a raised minimum would revoke the holder's
# token at once, and the token-revoke page after it would rightly find none live).
TIER_FORM = {
    "name": "Fable 5",
    "description": "",
    "min_level": "2",
    "us_person_required": "on",
    "block_embargoed_places": "on",
    "blocked_places": "RU",
    "reason": "Review 12.",
}

# (name, method, path, body, status once the second factor is passed)
Endpoint = tuple[str, str, str, Any, int]

OFFICER_WEB: list[Endpoint] = [
    ("console", "get", "/console/", None, 200),
    ("screening-queue", "get", "/screening/review/", None, 200),
    ("tier-new", "get", "/console/tiers/new", None, 200),
    ("tier-create", "post", "/console/tiers/new", {**TIER_FORM, "slug": "epic-6"}, 302),
    ("tier-edit", "get", "/console/tiers/fable-5/edit", None, 200),
    ("tier-save", "post", "/console/tiers/fable-5/edit", TIER_FORM, 302),
    ("user-search", "get", "/console/users/?q=holder", None, 200),
    ("user", "get", "/console/users/{holder}/", None, 200),
    (
        "token-revoke",
        "post",
        "/console/users/{holder}/tokens/{jti}/revoke",
        {"t-{jti}-reason": "Seen in a log"},
        302,
    ),
    ("user-revoke", "post", "/console/users/{holder}/revoke", {"revoke-reason": "Review"}, 302),
    ("user-restore", "post", "/console/users/{holder}/restore", {"restore-reason": "Done"}, 302),
    ("directive", "get", "/console/tiers/fable-5/directive", None, 200),
    (
        "directive-set",
        "post",
        "/console/tiers/fable-5/directive",
        {"state": "suspended", "reason": "Order 7", "confirmed": "yes"},
        302,
    ),
    ("review-list", "get", "/review/", None, 200),
    ("review-detail", "get", "/review/{doc}/", None, 200),
    (
        "review-decide",
        "post",
        "/review/{doc}/",
        {"decision": "approve", "reason": "genuine_and_matching"},
        302,
    ),
    ("org-verify", "post", "/organizations/{pending}/verify", {"reason": "EIN letter"}, 302),
    ("org-suspend", "post", "/organizations/{org}/suspend", {"reason": "Inquiry"}, 302),
]

OFFICER_API: list[Endpoint] = [
    ("screening-matches", "get", "/api/v1/screening/matches", None, 200),
    (
        "tier-create",
        "post",
        "/api/v1/tiers",
        {"slug": "epic-6", "name": "Epic 6", "reason": "x"},
        201,
    ),
    ("tier-change", "patch", "/api/v1/tiers/fable-5", {"min_level": 3, "reason": "x"}, 200),
    (
        "directive",
        "post",
        "/api/v1/tiers/fable-5/directive",
        {"state": "suspended", "reason": "Order 7"},
        200,
    ),
    ("revoke-token", "post", "/api/v1/revocations", {"jti": "{jti}", "reason": "leak"}, 201),
    ("revoke-user", "post", "/api/v1/revocations", {"user": "{holder}", "reason": "x"}, 201),
    ("revoke-org", "post", "/api/v1/revocations", {"organization": "{org}", "reason": "x"}, 201),
    ("org-verify", "post", "/api/v1/organizations/{pending}/verify", {"reason": "EIN"}, 200),
    ("org-suspend", "post", "/api/v1/organizations/{org}/suspend", {"reason": "Inquiry"}, 200),
]

# An organisation admin's pages and API: the access matrix's own lists.
ADMIN_WEB: list[Endpoint] = [
    (name, method, "/organizations/" + path, body, expected["owner"])
    for name, method, path, body, expected in org_world.WEB
]
ADMIN_API: list[Endpoint] = [
    (name, method, "/api/v1/" + path, body, expected["owner"])
    for name, method, path, body, expected in org_world.API
]

# Creating an API key: privileged for everyone privileged.
KEY_WEB: list[Endpoint] = [
    ("key-create", "post", "/account/api-keys/", {"name": "laptop", "expires_in_days": "30"}, 200)
]
KEY_API: list[Endpoint] = [("key-create", "post", "/api/v1/api-keys", {"name": "laptop"}, 201)]

STAFF_WEB: list[Endpoint] = [("admin", "get", "/admin/", None, 200)]

WEB = {"officer": OFFICER_WEB + KEY_WEB, "owner": ADMIN_WEB + KEY_WEB, "staff": STAFF_WEB}
API = {"officer": OFFICER_API + KEY_API, "owner": ADMIN_API + KEY_API}

# Pages and APIs that are not privileged: public, for machines, or each person's own
# (a privileged person's session is held at the second factor on these too).
NOT_PRIVILEGED = {
    "healthz",
    "readyz",
    "home",
    "account",
    "account-api-key-revoke",
    "organizations",
    "organization-register",
    "enrolment-template",
    "invitation-accept",
    "verification-status",
    "attest-start",
    "attest-step",
    "document-new",
    "document-detail",
    "document-file",
    "document-image-delete",
    "jwks",
    "idverify-metadata",
    "api-schema",
    "api-docs",
    "api-me",
    "api-key-revoke",
    "api-organization-declaration",
    "api-enrolment-template",
    "api-invitation-accept",
    "api-organizations",
    "api-attestations",
    "api-attestation-current",
    "api-declaration-current",
    "api-documents",
    "api-document",
    "api-tokens",
    "api-introspect",
    "favicon",
    "scim-endpoint",  # an identity provider's bearer token, never a person's session
    "vendor-start",
    "webhook-stripe-identity",  # Stripe's signature, never a person's session
}

# Reachable only by people who are privileged anyway (officers; signing officials for
# their organisation's SCIM and single sign-on set-up). The hold is person-wide, so
# these are held like the pages listed above, which show that it holds; they need a
# match or token id.
ONLY_PRIVILEGED_PEOPLE = {
    "screening-match",
    "api-screening-decision",
    "scim-token-create",
    "scim-token-revoke",
    "scim-sponsor-mapping",
    "sso-settings",
    "sso-mandatory",
    "sso-remove",
}  # fmt: skip


@dataclass
class Places:
    ids: dict[str, str]
    org: Organization


@pytest.fixture
def places(world: World, officer: User, stranger: User) -> Places:
    tier("fable-5", name="Fable 5", min_level=2)
    holder = person(2, email="holder@example.org")
    token_issue(user=holder, tier=ModelTier.objects.get(slug="fable-5"), signals=signals())
    AttestationFactory.create(user=stranger)
    document = document_submit(
        user=stranger, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.png()
    )
    pending = OrganizationFactory.create(status=Organization.Status.PENDING)
    ids = {
        **world.ids(),
        "holder": str(holder.public_id),
        "jti": str(IssuedToken.objects.get(user=holder).jti),
        "doc": str(document.public_id),
        "pending": str(pending.public_id),
    }
    return Places(ids, world.org)


@pytest.fixture
def staff(db: None) -> User:
    user: User = UserFactory.create(email="root@example.com", is_staff=True, is_superuser=True)
    return user


def _call(client: Client, endpoint: Endpoint, ids: dict[str, str], *, api: bool) -> Any:
    _, method, path, body, _ = endpoint
    url = path.format(**ids)
    if body == "csv":
        data: Any = {"file": csv_upload()}
        if api:
            data["mode"] = "dry_run"
        return client.post(url, data)
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, fill(body, ids), content_type="application/json")
    return client.post(url, fill(body, ids))


def _in_sequence(endpoints: list[Endpoint]) -> list[Endpoint]:
    """One signed-in session calls them all in turn: removing a member goes last, so the
    calls before it still find that member."""
    return sorted(endpoints, key=lambda endpoint: endpoint[0] == "remove")


def _finish_enrolments(org: Organization) -> None:
    """Do the worker's part, so the next enrolment call does not find one running."""
    for job in EnrolmentJob.objects.filter(organization=org):
        if not job.is_finished:
            enrolment_job_run(job_id=job.pk)


def _state(org: Organization) -> tuple[object, ...]:
    return (AuditEvent.objects.count(), org_world.snapshot(org))


PRIVILEGED = ["officer", "owner", "staff"]


@pytest.mark.parametrize("who", PRIVILEGED)
def test_without_a_second_factor_every_privileged_page_sends_the_person_to_enrol(
    who: str, places: Places, request: pytest.FixtureRequest, client: Client
) -> None:
    client.force_login(request.getfixturevalue(who))
    before = _state(places.org)
    for endpoint in WEB[who]:
        response = _call(client, endpoint, places.ids, api=False)
        assert (response.status_code, response.get("Location")) == (302, "/accounts/2fa/"), (
            endpoint[0]
        )
    assert _state(places.org) == before
    enrol_page = client.get("/accounts/2fa/")
    assert enrol_page.status_code == 200
    assert "Your role needs a second factor" in enrol_page.content.decode()


@pytest.mark.parametrize("who", ["officer", "owner"])
def test_without_a_second_factor_every_privileged_api_says_to_enrol(
    who: str, places: Places, request: pytest.FixtureRequest, client: Client
) -> None:
    client.force_login(request.getfixturevalue(who))
    before = _state(places.org)
    for endpoint in API[who]:
        response = _call(client, endpoint, places.ids, api=True)
        error = assert_api_error(response, 403, "mfa_enrolment_required")
        assert error["url"] == "/accounts/2fa/", endpoint[0]
    assert _state(places.org) == before


@pytest.mark.parametrize("who", PRIVILEGED)
def test_with_a_factor_unused_in_this_session_pages_ask_for_it_first(
    who: str, places: Places, request: pytest.FixtureRequest, client: Client
) -> None:
    user = request.getfixturevalue(who)
    enrol_totp(user)
    client.force_login(user)  # a session that never saw the code
    before = _state(places.org)
    for endpoint in WEB[who]:
        response = _call(client, endpoint, places.ids, api=False)
        assert response.status_code == 302, endpoint[0]
        location = response["Location"]
        assert location.startswith("/accounts/2fa/reauthenticate/"), (endpoint[0], location)
        if endpoint[1] == "get":
            assert "next=" in location
    assert _state(places.org) == before


@pytest.mark.parametrize("who", ["officer", "owner"])
def test_with_a_factor_unused_in_this_session_apis_say_mfa_required(
    who: str, places: Places, request: pytest.FixtureRequest, client: Client
) -> None:
    user = request.getfixturevalue(who)
    enrol_totp(user)
    client.force_login(user)
    before = _state(places.org)
    for endpoint in API[who]:
        response = _call(client, endpoint, places.ids, api=True)
        error = assert_api_error(response, 403, "mfa_required")
        assert error["url"] == "/accounts/2fa/reauthenticate/", endpoint[0]
    assert _state(places.org) == before


@pytest.mark.parametrize("who", PRIVILEGED)
def test_after_signing_in_with_an_authenticator_code_the_pages_work(
    who: str, places: Places, request: pytest.FixtureRequest, client: Client
) -> None:
    user = request.getfixturevalue(who)
    sign_in_with_totp(client, user, enrol_totp(user))
    for endpoint in _in_sequence(WEB[who]):
        response = _call(client, endpoint, places.ids, api=False)
        _finish_enrolments(places.org)
        assert response.status_code == endpoint[4], (endpoint[0], response.content[:300])
        assert not response.get("Location", "").startswith("/accounts/"), endpoint[0]


@pytest.mark.parametrize("who", ["officer", "owner"])
def test_after_signing_in_with_an_authenticator_code_the_apis_work(
    who: str, places: Places, request: pytest.FixtureRequest, client: Client
) -> None:
    user = request.getfixturevalue(who)
    sign_in_with_totp(client, user, enrol_totp(user))
    for endpoint in _in_sequence(API[who]):
        response = _call(client, endpoint, places.ids, api=True)
        _finish_enrolments(places.org)
        assert response.status_code == endpoint[4], (endpoint[0], response.content[:300])


def test_a_privileged_person_is_held_at_the_second_factor_on_ordinary_pages_too(
    owner: User, client: Client
) -> None:
    client.force_login(owner)
    for path in ("/", "/status/", "/account/", "/organizations/"):
        assert client.get(path)["Location"] == "/accounts/2fa/", path
    assert_api_error(client.get("/api/v1/me"), 403, "mfa_enrolment_required")
    # What a person needs to get past it stays open.
    for path in ("/accounts/2fa/", "/accounts/password/change/", "/healthz"):
        assert client.get(path).status_code == 200, path


def test_people_without_a_privileged_role_are_not_asked(teammate: User, client: Client) -> None:
    client.force_login(teammate)
    assert client.get("/account/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    created = client.post("/api/v1/api-keys", {"name": "laptop"}, content_type="application/json")
    assert created.status_code == 201


def _project_url_names() -> set[str]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, str | None]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name

    return {
        name or path
        for path, name in walk(get_resolver().url_patterns, "")
        if not path.startswith(("accounts/", "admin/"))
    }


def test_every_page_and_api_is_classified(places: Places) -> None:
    listed: set[str] = {"admin:index"}
    for endpoints in (*WEB.values(), *API.values()):
        for _, _, path, _, _ in endpoints:
            match = resolve(path.format(**places.ids).split("?")[0])
            listed.add(match.view_name)
    unclassified = _project_url_names() - listed - NOT_PRIVILEGED - ONLY_PRIVILEGED_PEOPLE
    assert not unclassified, (
        f"New views {sorted(unclassified)}: list them above as privileged (and test them) "
        "or in NOT_PRIVILEGED."
    )
