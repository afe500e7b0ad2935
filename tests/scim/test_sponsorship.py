"""The group a signing official maps to sponsorship, and what leaving it or the company does.

Sponsorship raises a person's level; ending it (or the person's membership) voids
their live tokens in the same request, through the revocation document verifiers poll.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import Membership, Sponsorship, User
from attestations.selectors import verification_status
from audit.models import AuditEvent
from entitlements.models import IssuedToken, RevocationState
from entitlements.publication import revocation_document
from entitlements.services.tokens import token_issue
from scim.models import ScimGroup
from scim.services.sponsor_mapping import scim_sponsor_mapping_set
from tests.accounts.factories import signing_official
from tests.attestations.factories import AttestationFactory
from tests.entitlements.support import signals, tier
from tests.scim.conftest import GROUP, Scim


def _group(scim: Scim, name: str = "US persons", members: list[str] | None = None) -> Any:
    body = {
        "schemas": [GROUP],
        "displayName": name,
        "members": [{"value": m} for m in members or []],
    }
    response = scim.call("POST", "/Groups", body)
    assert response.status_code == 201, response.content
    return response.json_body


def _attested(scim: Scim, email: str) -> tuple[dict[str, Any], User]:
    created = scim.create_user(email)
    user = User.objects.get(email=email)
    AttestationFactory.create(user=user)
    return created, user


@pytest.fixture
def mapped(scim: Scim, acme_official: User) -> dict[str, Any]:
    group = _group(scim)
    scim_sponsor_mapping_set(
        actor=acme_official,
        organization=scim.organization,
        group_public_id=group["id"],
        basis="HR records: U.S. person per I-9",
    )
    return group  # type: ignore[no-any-return]


def _join(scim: Scim, group: dict[str, Any], scim_id: str) -> None:
    response = scim.patch(
        f"/Groups/{group['id']}", {"op": "add", "path": "members", "value": [{"value": scim_id}]}
    )
    assert response.status_code == 204, response.content
    assert response.content == b""
    stored = ScimGroup.objects.get(public_id=group["id"])
    assert stored.members.filter(public_id=scim_id).exists()


def test_joining_the_mapped_group_sponsors_on_the_signing_officials_word(
    scim: Scim, mapped: dict[str, Any], acme_official: User
) -> None:
    created, user = _attested(scim, "ada@acme.example")
    _join(scim, mapped, created["id"])
    sponsorship = Sponsorship.objects.get(user=user, organization=scim.organization)
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert sponsorship.sponsored_by == acme_official
    assert sponsorship.basis == "HR records: U.S. person per I-9"
    assert verification_status(user=user).level == 2
    event = AuditEvent.objects.get(action="sponsorship.created")
    assert event.actor.startswith("scim:")
    assert event.data["signing_official"] == str(acme_official.public_id)


def test_a_group_that_is_not_mapped_sponsors_nobody(scim: Scim, mapped: dict[str, Any]) -> None:
    created, user = _attested(scim, "ada@acme.example")
    _group(scim, "Engineering", [created["id"]])
    assert not Sponsorship.objects.filter(user=user).exists()


def test_the_official_who_mapped_the_group_is_not_sponsored_by_it(
    scim: Scim, mapped: dict[str, Any], acme_official: User
) -> None:
    created = scim.create_user("official@acme.example")
    _join(scim, mapped, created["id"])
    assert not Sponsorship.objects.filter(user=acme_official).exists()
    refusal = AuditEvent.objects.get(action="scim.sponsorship_refused")
    assert refusal.data["code"] == "self_approval"


def test_when_the_mapping_official_steps_down_scim_sponsors_nobody_new(
    scim: Scim, mapped: dict[str, Any], acme_official: User
) -> None:
    signing_official(scim.organization, "second@acme.example")
    Membership.objects.filter(user=acme_official).update(role=Membership.Role.MEMBER)
    created, user = _attested(scim, "ada@acme.example")
    _join(scim, mapped, created["id"])
    assert not Sponsorship.objects.filter(user=user).exists()
    assert AuditEvent.objects.get(action="scim.sponsorship_refused").data["code"] == (
        "no_signing_official"
    )


def test_mapping_a_group_sponsors_its_members_at_once_and_clearing_it_withdraws(
    scim: Scim, acme_official: User
) -> None:
    created, user = _attested(scim, "ada@acme.example")
    group = _group(scim, members=[created["id"]])
    scim_sponsor_mapping_set(
        actor=acme_official,
        organization=scim.organization,
        group_public_id=group["id"],
        basis="I-9",
    )
    assert Sponsorship.objects.get(user=user).status == Sponsorship.Status.ACTIVE
    scim_sponsor_mapping_set(
        actor=acme_official, organization=scim.organization, group_public_id=None, basis=""
    )
    assert Sponsorship.objects.get(user=user).status == Sponsorship.Status.REVOKED


def _live_token(user: User) -> str:
    fable = tier("fable-5", min_level=2)
    outcome = token_issue(user=user, tier=fable, signals=signals())
    assert outcome.decision.allowed, outcome.decision.reasons
    return str(outcome.claims["jti"])  # type: ignore[index]


@pytest.mark.parametrize(
    "leave",
    [
        pytest.param(
            lambda scim, g, u: scim.patch(
                f"/Users/{u}", {"op": "replace", "value": {"active": False}}
            ),
            id="deactivated",
        ),
        pytest.param(lambda scim, g, u: scim.call("DELETE", f"/Users/{u}"), id="deleted"),
        pytest.param(
            lambda scim, g, u: scim.patch(
                f"/Groups/{g}", {"op": "remove", "path": f'members[value eq "{u}"]'}
            ),
            id="left group",
        ),
    ],
)
def test_leaving_voids_live_tokens_in_the_revocation_document_at_once(
    scim: Scim, mapped: dict[str, Any], client: Client, leave: Any
) -> None:
    created, user = _attested(scim, "ada@acme.example")
    _join(scim, mapped, created["id"])
    jti = _live_token(user)
    serial = RevocationState.objects.get(pk=1).serial
    response = leave(scim, mapped["id"], created["id"])
    assert response.status_code == 204, response.content
    assert response.content == b""
    token = IssuedToken.objects.get(jti=jti)
    assert token.revoked_at is not None
    # The request wrote the cutoff without re-publishing the document under its lock...
    assert RevocationState.objects.get(pk=1).serial == serial
    # ...and the next read of the document (a verifier's poll) publishes it.
    document = client.get("/api/v1/revocations")
    assert document.status_code == 200
    payload = revocation_document().payload
    assert payload["serial"] > serial
    assert str(user.public_id) in payload["users"]
    assert Sponsorship.objects.get(user=user).status == Sponsorship.Status.REVOKED
    voided = AuditEvent.objects.get(action="user.tokens_voided")
    assert voided.actor.startswith("scim:")
    assert verification_status(user=user).level == 1


def test_deactivation_revokes_with_the_task_queue_down(scim: Scim, mapped: dict[str, Any]) -> None:
    """The revocation is part of the request itself: a broker that is down changes nothing."""
    from idverify.celery import app

    created, user = _attested(scim, "ada@acme.example")
    _join(scim, mapped, created["id"])
    jti = _live_token(user)
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")
    try:
        response = scim.patch(
            f"/Users/{created['id']}", {"op": "replace", "value": {"active": False}}
        )
    finally:
        app.conf.update(task_always_eager=eager, broker_url=broker)
    assert response.status_code == 204
    assert response.content == b""
    assert IssuedToken.objects.get(jti=jti).revoked_at is not None
