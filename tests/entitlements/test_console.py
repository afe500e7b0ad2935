"""The compliance console, as an officer uses it and as everyone else fails to."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import Membership, User
from audit.models import AuditEvent
from entitlements.models import IssuedToken, ModelTier, UserRevocation
from entitlements.services.revocations import user_revoke
from entitlements.services.tokens import token_issue
from tests.entitlements.support import person, signals, tier
from tests.support.factories import MembershipFactory
from tests.support.people import sign_in_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]


def signed_in(user: User) -> Client:
    client = Client()
    sign_in_with_second_factor(client, user)
    return client


EDIT = {
    "name": "Fable 5",
    "description": "",
    "min_level": "3",
    "us_person_required": "on",
    "block_embargoed_places": "on",
    "blocked_places": "ru, UA-43",
    "reason": "Review 12 raised the bar.",
}


@pytest.fixture
def fable() -> ModelTier:
    return tier("fable-5", name="Fable 5", min_level=2)


@pytest.mark.parametrize("who", ["owner", "teammate", "outsider", "stranger"])
def test_the_console_does_not_exist_for_anyone_but_officers(
    request: pytest.FixtureRequest, who: str, fable: ModelTier
) -> None:
    client = signed_in(request.getfixturevalue(who))
    holder = person(2)
    for path in (
        "/console/",
        "/console/tiers/fable-5/directive",
        "/console/tiers/fable-5/edit",
        "/console/tiers/new",
        f"/console/users/?q={holder.email}",
        f"/console/users/{holder.public_id}/",
    ):
        assert client.get(path).status_code == 404, path
    response = client.post(
        "/console/tiers/fable-5/directive",
        {"state": "suspended", "reason": "mine", "confirmed": "yes"},
    )
    assert response.status_code == 404
    assert (
        client.post(f"/console/users/{holder.public_id}/revoke", {"revoke-reason": "x"}).status_code
        == 404
    )
    assert client.post("/console/tiers/fable-5/edit", EDIT).status_code == 404
    assert client.post("/console/tiers/new", {**EDIT, "slug": "epic-6"}).status_code == 404
    stored = ModelTier.objects.get()
    assert (stored.epoch, stored.min_level) == (0, 2)
    assert not UserRevocation.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(fable: ModelTier) -> None:
    response = Client().get("/console/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_console_shows_tiers_and_counts_decisions_by_outcome_and_reason(
    officer: User, fable: ModelTier
) -> None:
    token_issue(user=person(2), tier=fable, signals=signals())
    token_issue(user=person(1), tier=fable, signals=signals())
    token_issue(user=person(1), tier=fable, signals=signals("CU", ()))
    page = signed_in(officer).get("/console/").content.decode()
    assert "Fable 5" in page
    assert "1 allowed" in page
    assert "2 denied" in page
    # Without the cells' column names (the phone layout's labels) and the spacing.
    compact = re.sub(r"\s+", "", re.sub(r' data-label="[^"]*"', "", page))
    assert "<tr><td><code>level.too_low</code></td><td>2</td></tr>" in compact
    assert "<tr><td><code>geo.embargoed_country</code></td><td>1</td></tr>" in compact


def test_switching_a_directive_takes_a_reason_and_a_confirmation(
    officer: User, fable: ModelTier
) -> None:
    client = signed_in(officer)
    form = client.get("/console/tiers/fable-5/directive")
    assert form.status_code == 200
    missing = client.post("/console/tiers/fable-5/directive", {"state": "suspended"})
    assert missing.status_code == 400
    assert "There is a problem" in missing.content.decode()

    confirm = client.post(
        "/console/tiers/fable-5/directive", {"state": "suspended", "reason": "Order 11"}
    )
    assert confirm.status_code == 200
    assert "Yes, switch Fable 5" in confirm.content.decode()
    assert ModelTier.objects.get().epoch == 0, "nothing changes before the confirmation"

    done = client.post(
        "/console/tiers/fable-5/directive",
        {"state": "suspended", "reason": "Order 11", "confirmed": "yes"},
        follow=True,
    )
    assert "is now “Suspended” (epoch 1)" in done.content.decode()
    stored = ModelTier.objects.get()
    assert (stored.directive_state, stored.directive_reason) == ("suspended", "Order 11")
    assert AuditEvent.objects.get(action="tier.directive_set").actor == f"user:{officer.public_id}"


def test_a_forged_confirmation_with_a_bad_state_changes_nothing(
    officer: User, fable: ModelTier
) -> None:
    response = signed_in(officer).post(
        "/console/tiers/fable-5/directive",
        {"state": "closed", "reason": "x", "confirmed": "yes"},
    )
    assert response.status_code == 400
    assert ModelTier.objects.get().epoch == 0


def test_an_officer_finds_a_person_by_email_or_id(officer: User, fable: ModelTier) -> None:
    holder = person(2, email="jordan@example.org")
    client = signed_in(officer)
    for query in ("jordan@example.org", "jordan@", str(holder.public_id)):
        page = client.get("/console/users/", {"q": query}).content.decode()
        assert f"/console/users/{holder.public_id}/" in page, query
    assert "Nobody matches" in client.get("/console/users/", {"q": "nobody@"}).content.decode()
    assert client.get("/console/users/", {"q": ""}).status_code == 400


def test_the_person_page_shows_level_decisions_and_live_tokens(
    officer: User, fable: ModelTier
) -> None:
    holder = person(2)
    outcome = token_issue(user=holder, tier=fable, signals=signals())
    page = signed_in(officer).get(f"/console/users/{holder.public_id}/").content.decode()
    assert "Level 2 (document)" in page
    assert str(outcome.record.token.jti) in page  # type: ignore[union-attr]
    assert "allowed" in page


def test_an_officer_revokes_a_token_from_the_person_page(officer: User, fable: ModelTier) -> None:
    holder = person(2)
    token = token_issue(user=holder, tier=fable, signals=signals()).record.token
    assert token is not None
    client = signed_in(officer)
    url = f"/console/users/{holder.public_id}/tokens/{token.jti}/revoke"
    refused = client.post(url, {f"t-{token.jti}-reason": ""})
    assert refused.status_code == 400
    assert "This field is required" in refused.content.decode()
    done = client.post(url, {f"t-{token.jti}-reason": "Seen in a log"}, follow=True)
    assert "is revoked" in done.content.decode()
    token.refresh_from_db()
    assert token.revoked_reason == "Seen in a log"
    assert "No live tokens" in done.content.decode()


def test_a_token_of_someone_else_cannot_be_revoked_through_another_persons_page(
    officer: User, fable: ModelTier
) -> None:
    holder, other = person(2), person(2)
    token = token_issue(user=holder, tier=fable, signals=signals()).record.token
    assert token is not None
    url = f"/console/users/{other.public_id}/tokens/{token.jti}/revoke"
    assert signed_in(officer).post(url, {f"t-{token.jti}-reason": "x"}).status_code == 404
    assert IssuedToken.objects.get().revoked_at is None


def test_an_officer_revokes_and_restores_a_person(officer: User, fable: ModelTier) -> None:
    holder = person(2)
    token_issue(user=holder, tier=fable, signals=signals())
    client = signed_in(officer)
    page = f"/console/users/{holder.public_id}/"
    done = client.post(page + "revoke", {"revoke-reason": "Licence review"}, follow=True)
    assert "new ones are refused" in done.content.decode()
    assert "Restore access" in done.content.decode()
    assert IssuedToken.objects.get().revoked_via == "user"
    restored = client.post(page + "restore", {"restore-reason": "Review closed"}, follow=True)
    assert "may ask for tokens again" in restored.content.decode()
    assert AuditEvent.objects.filter(action="user.revocation_lifted").count() == 1


def test_an_officer_cannot_restore_their_own_access_in_the_console(
    officer: User, operator_org: Any, fable: ModelTier
) -> None:
    colleague = MembershipFactory.create(
        organization=operator_org, role=Membership.Role.COMPLIANCE_OFFICER
    ).user
    user_revoke(actor=colleague, user=officer, reason="Under investigation")
    page = f"/console/users/{officer.public_id}/"
    refused = signed_in(officer).post(page + "restore", {"restore-reason": "I am fine"})
    assert refused.status_code == 400
    assert "Another compliance officer must restore your own access" in refused.content.decode()
    assert UserRevocation.objects.get(user=officer).lifted_at is None
    assert not AuditEvent.objects.filter(action="user.revocation_lifted").exists()


def test_an_officer_changes_a_tier_s_requirements_with_a_reason(
    officer: User, fable: ModelTier
) -> None:
    client = signed_in(officer)
    page = client.get("/console/tiers/fable-5/edit").content.decode()
    assert 'value="Fable 5"' in page
    response = client.post("/console/tiers/fable-5/edit", {**EDIT, "reason": ""})
    assert response.status_code == 400
    assert "Reason: This field is required." in response.content.decode()
    response = client.post("/console/tiers/fable-5/edit", {**EDIT, "blocked_places": "Crimea"})
    assert response.status_code == 400
    assert "is not an ISO 3166 code" in response.content.decode()
    assert ModelTier.objects.get().min_level == 2
    response = client.post("/console/tiers/fable-5/edit", EDIT, follow=True)
    assert "requirements are saved" in response.content.decode()
    stored = ModelTier.objects.get()
    assert (stored.min_level, stored.blocked_places, stored.anonymizers_allowed) == (
        3,
        ["RU", "UA-43"],
        False,
    )
    event = AuditEvent.objects.get(action="tier.updated")
    assert event.data["reason"] == "Review 12 raised the bar."
    assert event.data["after"]["min_level"] == 3


def test_an_officer_creates_a_tier_in_the_console(officer: User, fable: ModelTier) -> None:
    client = signed_in(officer)
    response = client.post("/console/tiers/new", {**EDIT, "slug": "fable-5"})
    assert response.status_code == 400
    assert "A tier with this slug already exists." in response.content.decode()
    response = client.post("/console/tiers/new", {**EDIT, "slug": "epic-6", "name": "Epic 6"})
    assert response.status_code == 302
    epic = ModelTier.objects.get(slug="epic-6")
    assert (epic.name, epic.min_level, epic.directive_state) == ("Epic 6", 3, "open")
    assert AuditEvent.objects.filter(action="tier.created", subject_id="epic-6").exists()
