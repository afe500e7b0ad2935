"""POST /api/v1/revocations: officers revoke a token, a person or an organisation."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import Organization, Sponsorship, User
from accounts.services.organizations import organization_suspend
from audit.models import AuditEvent
from entitlements.models import IssuedToken, ModelTier, RevocationState, UserRevocation
from entitlements.publication import revocation_document
from entitlements.services.tokens import token_issue
from tests.entitlements.support import person, signals, tier
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db

ApiClientFor = Callable[[User | None], APIClient]


@pytest.fixture
def fable() -> ModelTier:
    return tier("fable-5", min_level=2)


def revoke(client: APIClient, **body: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/revocations", body, format="json")


def issue(user: User, fable: ModelTier) -> IssuedToken:
    outcome = token_issue(user=user, tier=fable, signals=signals())
    assert outcome.claims is not None
    return IssuedToken.objects.get(jti=outcome.claims["jti"])


def serial() -> int:
    return RevocationState.objects.get().serial


def test_an_officer_revokes_one_token(
    api_client_for: ApiClientFor, officer: User, fable: ModelTier
) -> None:
    token = issue(person(2), fable)
    before = serial()
    response = revoke(api_client_for(officer), jti=str(token.jti), reason="Seen in a public repo")
    assert response.status_code == 201
    assert response.json() == {"revoked": "jti", "serial": serial()}
    assert serial() > before
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_via == "token"
    assert RevocationState.objects.get().jtis == {str(token.jti): int(token.expires_at.timestamp())}
    event = AuditEvent.objects.get(action="token.revoked")
    assert event.data["reason"] == "Seen in a public repo"
    assert event.actor == f"user:{officer.public_id}"


def test_an_officer_revokes_a_person(
    api_client_for: ApiClientFor, officer: User, fable: ModelTier
) -> None:
    holder = person(2)
    tokens = [issue(holder, fable), issue(holder, fable)]
    response = revoke(api_client_for(officer), user=str(holder.public_id), reason="Licence")
    assert response.status_code == 201
    assert response.json()["revoked"] == "user"
    assert str(holder.public_id) in RevocationState.objects.get().users
    for token in tokens:
        token.refresh_from_db()
        assert token.revoked_via == "user"
    assert UserRevocation.objects.get(user=holder).blocks_issuance
    assert AuditEvent.objects.get(action="user.revoked").data["tokens_revoked"] == 2


def test_an_officer_revokes_an_organisations_sponsorships_and_its_members_tokens(
    api_client_for: ApiClientFor,
    officer: User,
    org: Organization,
    fable: ModelTier,
    django_capture_on_commit_callbacks: Any,
) -> None:
    member = person(2, sponsor=org)
    token = issue(member, fable)
    client = api_client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = revoke(client, organization=str(org.public_id), reason="Fraud")
    assert response.status_code == 201
    assert response.json()["revoked"] == "organization"
    assert not Sponsorship.objects.filter(status=Sponsorship.Status.ACTIVE).exists()
    # Published by the next read of the document (entitlements.publication).
    assert str(member.public_id) in revocation_document().payload["users"]
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="organization.sponsorships_revoked").count() == 1
    assert AuditEvent.objects.filter(action="user.tokens_voided").count() == 1


def test_suspending_an_organisation_voids_its_sponsored_members_tokens(
    officer: User, org: Organization, fable: ModelTier, django_capture_on_commit_callbacks: Any
) -> None:
    sponsored, unsponsored = person(2, sponsor=org), person(2)
    tokens = [issue(sponsored, fable), issue(unsponsored, fable)]
    with django_capture_on_commit_callbacks(execute=True):
        organization_suspend(actor=officer, organization=org, reason="Licence lapsed")
    for token in tokens:
        token.refresh_from_db()
    assert tokens[0].revoked_via == "user"
    assert tokens[1].revoked_at is None
    assert set(revocation_document().payload["users"]) == {str(sponsored.public_id)}
    event = AuditEvent.objects.get(action="user.tokens_voided")
    assert "Licence lapsed" in event.data["reason"]


@pytest.mark.parametrize("who", ["owner", "teammate", "outsider", "stranger"])
def test_nobody_else_may_revoke_and_they_learn_nothing(
    api_client_for: ApiClientFor,
    request: pytest.FixtureRequest,
    who: str,
    fable: ModelTier,
) -> None:
    victim = person(2)
    token = issue(victim, fable)
    client = api_client_for(request.getfixturevalue(who))
    before = serial()
    for body in (
        {"jti": str(token.jti), "reason": "mine now"},
        {"jti": str(uuid.uuid4()), "reason": "guess"},
        {"user": str(victim.public_id)},
        {"organization": "not-a-uuid"},
    ):
        assert_api_error(revoke(client, **body), 403, "permission_denied")
    token.refresh_from_db()
    assert token.revoked_at is None
    assert serial() == before
    assert not AuditEvent.objects.filter(action__in=["token.revoked", "user.revoked"]).exists()


def test_a_person_cannot_revoke_even_their_own_token_here(
    api_client_for: ApiClientFor, fable: ModelTier
) -> None:
    holder = person(2)
    token = issue(holder, fable)
    response = revoke(api_client_for(holder), jti=str(token.jti), reason="lost laptop")
    assert_api_error(response, 403, "permission_denied")


def test_anonymous_callers_cannot_revoke(fable: ModelTier) -> None:
    assert_api_error(
        revoke(APIClient(), jti=str(uuid.uuid4()), reason="x"), 401, "not_authenticated"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "nothing named"}, "non_field_errors"),
        ({"jti": "a", "user": "b", "reason": "two named"}, "non_field_errors"),
        ({"jti": str(uuid.UUID(int=1))}, "reason"),
        ({"jti": str(uuid.UUID(int=1)), "reason": "   "}, "reason"),
    ],
)
def test_an_officer_must_name_exactly_one_target_and_a_reason(
    api_client_for: ApiClientFor, officer: User, body: dict[str, str], field: str
) -> None:
    assert_api_error(revoke(api_client_for(officer), **body), 400, "invalid", field=field)


@pytest.mark.parametrize(
    "body",
    [
        {"jti": str(uuid.UUID(int=7)), "reason": "unknown"},
        {"jti": "not-a-uuid", "reason": "unknown"},
        {"user": str(uuid.UUID(int=7)), "reason": "unknown"},
        {"organization": str(uuid.UUID(int=7)), "reason": "unknown"},
    ],
)
def test_unknown_targets_are_not_found(
    api_client_for: ApiClientFor, officer: User, body: dict[str, str]
) -> None:
    assert_api_error(revoke(api_client_for(officer), **body), 404, "not_found")


def test_revoking_twice_changes_nothing_more(
    api_client_for: ApiClientFor, officer: User, fable: ModelTier
) -> None:
    token = issue(person(2), fable)
    client = api_client_for(officer)
    revoke(client, jti=str(token.jti), reason="first")
    after_first = serial()
    assert revoke(client, jti=str(token.jti), reason="second").status_code == 201
    assert serial() == after_first
    assert AuditEvent.objects.filter(action="token.revoked").count() == 1
