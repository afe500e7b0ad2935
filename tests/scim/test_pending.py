"""An address outside the organisation's proven domain: the person consents first."""

from __future__ import annotations

from typing import Any

from django.core import mail

from accounts.models import Invitation, Membership, Sponsorship, User
from accounts.services.invitations import invitation_accept, invitation_token
from scim.models import ScimUser
from scim.services.sponsor_mapping import scim_sponsor_mapping_set
from tests.scim.conftest import GROUP, Scim


def test_an_existing_account_outside_the_domain_is_invited_not_joined(
    scim: Scim, django_capture_on_commit_callbacks: Any
) -> None:
    person = User.objects.create_user(email="ada@gmail.example")
    with django_capture_on_commit_callbacks(execute=True):
        created = scim.create_user("ada@gmail.example")
    assert not Membership.objects.filter(user=person, organization=scim.organization).exists()
    assert ScimUser.objects.get(public_id=created["id"]).user is None
    invitation = Invitation.objects.get(organization=scim.organization, email="ada@gmail.example")
    assert invitation.accepted_at is None
    assert any("ada@gmail.example" in m.to for m in mail.outbox)


def _without_ids(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("id", "meta", "userName")}


def test_a_new_address_outside_the_domain_gets_the_same_answer_and_no_account(scim: Scim) -> None:
    """So a token cannot tell whether someone has an account here."""
    User.objects.create_user(email="known@gmail.example")
    known = scim.create_user("known@gmail.example")
    unknown = scim.create_user("unknown@gmail.example")
    assert _without_ids(known) == _without_ids(unknown)
    assert not User.objects.filter(email="unknown@gmail.example").exists()


def test_accepting_the_invitation_links_the_record_and_applies_the_group(
    scim: Scim, acme_official: User, django_capture_on_commit_callbacks: Any
) -> None:
    created = scim.create_user("ada@gmail.example")
    group = scim.call(
        "POST",
        "/Groups",
        {"schemas": [GROUP], "displayName": "US", "members": [{"value": created["id"]}]},
    ).json_body
    scim_sponsor_mapping_set(
        actor=acme_official,
        organization=scim.organization,
        group_public_id=group["id"],
        basis="I-9",
    )
    person = User.objects.create_user(email="ada@gmail.example")
    invitation = Invitation.objects.get(email="ada@gmail.example")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(user=person, token=invitation_token(invitation))
    record = ScimUser.objects.get(public_id=created["id"])
    assert record.user == person
    assert Sponsorship.objects.get(user=person).status == Sponsorship.Status.ACTIVE


def test_deactivating_a_pending_person_withdraws_the_invitation(scim: Scim) -> None:
    created = scim.create_user("ada@gmail.example")
    scim.patch(f"/Users/{created['id']}", {"op": "replace", "value": {"active": False}})
    assert Invitation.objects.get(email="ada@gmail.example").revoked_at is not None
