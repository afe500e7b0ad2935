"""Invitations: single-use, expiring, resendable, revocable, hashed; emailed once, after commit."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Invitation, Membership, Organization, RosterEntry, User
from accounts.services.invitation_emails import invitation_emails_send, invitations_send_pending
from accounts.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    token_digest,
)
from accounts.views.common import after_join_url
from audit.models import AuditEvent
from idverify.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.accounts.factories import signing_official
from tests.support.api import assert_api_error
from tests.support.factories import PASSWORD, UserFactory
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def _token_from(message: Any) -> str:
    link = re.search(r"https?://\S+", message.body)
    assert link, message.body
    return parse_qs(urlparse(link.group(0)).query)["token"][0]


def _invite(
    owner: User, org: Organization, email: str, capture: Any, role: str = "member"
) -> tuple[Invitation, str]:
    with capture(execute=True):
        invitation = invitation_create(actor=owner, organization=org, email=email, role=role)
    return invitation, _token_from(mail.outbox[-1])


def test_an_invitation_is_emailed_after_commit_and_only_its_hash_is_stored(
    owner: User, org: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invitation_create(actor=owner, organization=org, email=" New@Example.COM ")
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert org.legal_name in mail.outbox[0].subject
    token = _token_from(mail.outbox[0])
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.token_digest == token_digest(token)
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert stored.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert AuditEvent.objects.filter(action="invitation.created").count() == 1


def test_the_email_goes_out_once_however_often_the_task_runs(
    owner: User, org: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, _ = _invite(owner, org, "once@example.com", django_capture_on_commit_callbacks)
    assert invitation_emails_send(invitation_ids=[invitation.pk]) == 0
    assert invitation_emails_send(invitation_ids=[invitation.pk, invitation.pk]) == 0
    assert invitations_send_pending(older_than=timedelta(0)) == 0
    assert len(mail.outbox) == 1


def test_a_lost_email_task_is_made_good_by_the_sweep(owner: User, org: Organization) -> None:
    # No on-commit callbacks run here: as if the worker died before sending.
    invitation_create(actor=owner, organization=org, email="lost@example.com")
    assert mail.outbox == []
    assert invitations_send_pending(older_than=timedelta(0)) == 1
    assert invitations_send_pending(older_than=timedelta(0)) == 0
    assert [m.to for m in mail.outbox] == [["lost@example.com"]]


def test_a_sender_killed_mid_batch_sends_none_of_it_twice_and_says_so(
    owner: User, org: Organization, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No on-commit callbacks run here: the emails wait for a sender.
    for n in range(3):
        invitation_create(actor=owner, organization=org, email=f"p{n}@example.com")
    ids = list(Invitation.objects.order_by("pk").values_list("pk", flat=True))
    real = locmem.EmailBackend.send_messages

    def killed_after_the_first(self: Any, messages: Any) -> int:
        if mail.outbox:
            raise SystemExit("worker killed")  # what a kill looks like from inside
        return real(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", killed_after_the_first)
    with pytest.raises(SystemExit):
        invitation_emails_send(invitation_ids=ids)
    monkeypatch.undo()
    assert len(mail.outbox) == 1  # one went out, then the worker died
    # Whether the mail server took each claimed message is unknown, so nothing
    # sends the batch again: not a redelivered task, not the sweep.
    assert invitation_emails_send(invitation_ids=ids) == 0
    assert invitations_send_pending(older_than=timedelta(0)) == 0
    assert len(mail.outbox) == 1
    assert set(Invitation.objects.values_list("claimed_generation", "emailed_generation")) == {
        (1, 0)
    }
    sign_in_with_second_factor(client, owner)
    page = client.get(reverse("organization-invitations", kwargs={"org_id": org.public_id}))
    assert page.content.decode().count("email not confirmed sent: resend if it does not") == 3


def test_accepting_joins_the_organisation_once(
    owner: User, org: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    _, token = _invite(owner, org, "joiner@example.com", django_capture_on_commit_callbacks)
    joiner = UserFactory.create(email="joiner@example.com")
    RosterEntry.objects.create(
        organization=org, email="joiner@example.com", given_name="J", family_name="Oiner"
    )
    membership = invitation_accept(user=joiner, token=token)
    assert (membership.organization, membership.role) == (org, Membership.Role.MEMBER)
    assert RosterEntry.objects.get(email="joiner@example.com").user == joiner
    with pytest.raises(Conflict, match="used already"):
        invitation_accept(user=joiner, token=token)


def test_only_the_invited_address_can_accept(
    owner: User, org: Organization, stranger: User, django_capture_on_commit_callbacks: Any
) -> None:
    _, token = _invite(owner, org, "right@example.com", django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied, match=re.escape("right@example.com")):
        invitation_accept(user=stranger, token=token)
    assert not Membership.objects.filter(user=stranger, organization=org).exists()


def test_an_expired_invitation_cannot_be_accepted_but_can_be_renewed(
    owner: User, org: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, token = _invite(owner, org, "late@example.com", django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    late = UserFactory.create(email="late@example.com")
    with pytest.raises(Conflict, match="expired"):
        invitation_accept(user=late, token=token)
    renewed, new_token = _invite(owner, org, "late@example.com", django_capture_on_commit_callbacks)
    assert renewed.pk == invitation.pk  # renewed, not a second invitation
    assert new_token != token
    assert invitation_accept(user=late, token=new_token).organization == org


def test_resending_sends_a_new_link_and_kills_the_old_one(
    owner: User, org: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, old = _invite(owner, org, "again@example.com", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(actor=owner, organization=org, invitation=invitation)
    assert len(mail.outbox) == 2
    new = _token_from(mail.outbox[1])
    assert new != old
    person = UserFactory.create(email="again@example.com")
    with pytest.raises(NotFound):
        invitation_accept(user=person, token=old)
    invitation_accept(user=person, token=new)


def test_a_revoked_invitation_is_dead(
    owner: User, org: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, token = _invite(owner, org, "gone@example.com", django_capture_on_commit_callbacks)
    invitation_revoke(actor=owner, organization=org, invitation=invitation)
    with pytest.raises(Conflict, match="withdrawn"):
        invitation_accept(user=UserFactory.create(email="gone@example.com"), token=token)
    with pytest.raises(Conflict):
        invitation_resend(actor=owner, organization=org, invitation=invitation)


def test_who_may_invite_and_as_what(
    owner: User, teammate: User, outsider: User, org: Organization
) -> None:
    with pytest.raises(PermissionDenied):
        invitation_create(actor=teammate, organization=org, email="x@example.com")
    with pytest.raises(PermissionDenied):
        invitation_create(actor=outsider, organization=org, email="x@example.com")
    with pytest.raises(PermissionDenied, match="signing official"):
        invitation_create(
            actor=owner, organization=org, email="x@example.com", role="signing_official"
        )
    signer = signing_official(org)
    invitation_create(
        actor=signer, organization=org, email="x@example.com", role="signing_official"
    )
    with pytest.raises(Conflict, match="already has an invitation"):
        invitation_create(actor=owner, organization=org, email="X@example.com")
    with pytest.raises(Conflict, match="already a member"):
        invitation_create(actor=owner, organization=org, email=teammate.email)
    with pytest.raises(ValidationFailed):
        invitation_create(actor=owner, organization=org, email="not-an-email")


def test_a_suspended_organisation_cannot_invite(owner: User, org: Organization) -> None:
    Organization.objects.filter(pk=org.pk).update(status=Organization.Status.SUSPENDED)
    org.refresh_from_db()
    with pytest.raises(Conflict, match="suspended"):
        invitation_create(actor=owner, organization=org, email="x@example.com")


def test_the_accept_page_moves_the_token_out_of_the_url_and_leads_on(
    client: Client, owner: User, org: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    _, token = _invite(owner, org, "web@example.com", django_capture_on_commit_callbacks)
    landing = client.get(f"/invitations/accept?token={token}")
    assert landing.status_code == 302
    assert landing["Location"] == "/invitations/accept"
    page = client.get("/invitations/accept")
    assert org.legal_name in page.content.decode()
    assert "Sign in" in page.content.decode()
    person = UserFactory.create(email="web@example.com")
    client.login(email=person.email, password=PASSWORD)
    accepted = client.post("/invitations/accept")
    assert accepted.status_code == 302
    assert accepted["Location"] == after_join_url()
    assert Membership.objects.filter(user=person, organization=org).exists()


def test_joining_leads_into_the_attestation_flow_when_it_exists(settings: Any) -> None:
    settings.IDV_AFTER_JOIN_URL_NAME = "account"  # a URL name that exists, standing in for it
    assert after_join_url() == "/account/"
    settings.IDV_AFTER_JOIN_URL_NAME = "no-such-page"
    assert after_join_url() == "/"


def test_a_made_up_link_shows_a_clear_page(client: Client) -> None:
    client.get("/invitations/accept?token=idv_inv_made-up")
    page = client.get("/invitations/accept")
    assert page.status_code == 404
    assert "not valid" in page.content.decode()


def test_invitations_through_the_api(
    api_client_for: Callable[[User | None], APIClient],
    owner: User,
    org: Organization,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = api_client_for(owner)
    base = f"/api/v1/organizations/{org.public_id}/invitations"
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(base, {"email": "api@example.com"}, format="json")
    assert created.status_code == 201, created.content
    invitation_id = created.json()["id"]
    assert created.json()["state"] == "pending"
    assert [i["email"] for i in client.get(base).json()] == ["api@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(f"{base}/{invitation_id}/resend")
    assert resent.status_code == 200
    token = _token_from(mail.outbox[-1])
    assert len(mail.outbox) == 2
    person = UserFactory.create(email="api@example.com")
    joined = api_client_for(person).post("/api/v1/invitations/accept", {"token": token})
    assert joined.status_code == 200
    assert joined.json()["organization"] == str(org.public_id)
    assert_api_error(client.delete(f"{base}/{invitation_id}"), 409, "conflict")
