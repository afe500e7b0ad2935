"""Nobody sponsors, verifies, promotes or lets themselves in: each act needs a second person.

The rule lives in the services (``accounts.separation``); these tests go through the
services, the API, the web pages and the admin, and check that a refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.admin import MembershipInline
from accounts.models import Membership, Organization, RosterEntry, Sponsorship, User
from accounts.selectors.sponsorships import sponsorship_candidates
from accounts.services.invitations import invitation_accept, invitation_create, invitation_token
from accounts.services.memberships import membership_role_set
from accounts.services.organizations import organization_verify
from accounts.services.sponsorships import sponsorship_create, sponsorships_create_many
from audit.models import AuditEvent
from idverify.errors import SelfApproval
from tests.accounts.factories import signing_official
from tests.support.api import assert_api_error
from tests.support.factories import SponsorshipFactory, UserFactory
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

ApiClientFor = Callable[[User | None], APIClient]


@pytest.fixture
def signer(org: Organization) -> User:
    return signing_official(org)


def signed_in(user: User) -> Client:
    client = Client()
    sign_in_with_second_factor(client, user)
    return client


def test_a_signing_official_cannot_sponsor_themselves(signer: User, org: Organization) -> None:
    with pytest.raises(SelfApproval, match="another signing official") as caught:
        sponsorship_create(actor=signer, organization=org, user=signer, basis="I-9 on file")
    assert caught.value.instance_code == "self_approval"
    assert caught.value.status == 403
    assert not Sponsorship.objects.exists()
    assert not AuditEvent.objects.filter(action="sponsorship.created").exists()
    colleague = signing_official(org, "colleague@example.com")
    sponsorship_create(actor=colleague, organization=org, user=signer, basis="I-9 on file")
    assert Sponsorship.objects.get().sponsored_by == colleague


def test_self_sponsorship_through_the_api_is_a_self_approval_error(
    api_client_for: ApiClientFor, signer: User, org: Organization
) -> None:
    response = api_client_for(signer).post(
        f"/api/v1/organizations/{org.public_id}/sponsorships",
        {"user": str(signer.public_id), "basis": "I-9 on file"},
        format="json",
    )
    assert_api_error(response, 403, "self_approval")
    assert not Sponsorship.objects.exists()


def test_the_sponsor_form_says_so_beside_the_member_field(signer: User, org: Organization) -> None:
    response = signed_in(signer).post(
        f"/organizations/{org.public_id}/sponsorships",
        {"member": str(signer.public_id), "basis": "I-9 on file", "period_months": "12"},
    )
    assert response.status_code == 400
    assert "You cannot sponsor yourself" in " ".join(response.context["form"].errors["member"])
    assert not Sponsorship.objects.exists()


def test_sponsoring_several_at_once_refuses_all_when_the_actor_is_among_them(
    signer: User, org: Organization, teammate: User
) -> None:
    with pytest.raises(SelfApproval):
        sponsorships_create_many(
            actor=signer, organization=org, users=[teammate, signer], basis="I-9"
        )
    assert not Sponsorship.objects.exists()


def test_the_roster_never_offers_the_viewer_themselves_for_sponsorship(
    signer: User, org: Organization, teammate: User
) -> None:
    for user in (signer, teammate):
        RosterEntry.objects.create(
            organization=org,
            email=user.email,
            given_name="A",
            family_name="B",
            sponsor=True,
            user=user,
        )
    offered = [m.user for m in sponsorship_candidates(viewer=signer, organization=org)]
    assert offered == [teammate]
    # A forged form naming the signer sponsors nobody.
    response = signed_in(signer).post(
        f"/organizations/{org.public_id}/sponsorships/candidates",
        {"member": [str(signer.public_id)], "basis": "I-9 on file"},
        follow=True,
    )
    assert "Tick at least one person" in response.content.decode()
    assert not Sponsorship.objects.exists()


def test_the_database_refuses_an_active_self_sponsorship_whatever_the_path(
    signer: User, org: Organization
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SponsorshipFactory.create(user=signer, organization=org, sponsored_by=signer)
    # A revoked one may stay on the record (rows made before the rule).
    SponsorshipFactory.create(
        user=signer,
        organization=org,
        sponsored_by=signer,
        status=Sponsorship.Status.REVOKED,
        revoked_at=timezone.now(),
    )


def test_an_officer_cannot_verify_their_own_organisation_through_the_api(
    api_client_for: ApiClientFor, officer: User
) -> None:
    pending = Organization.objects.create(
        legal_name="Officer's Side Business",
        status=Organization.Status.PENDING,
        registered_by=officer,
    )
    response = api_client_for(officer).post(
        f"/api/v1/organizations/{pending.public_id}/verify", {"reason": "looks fine"}, format="json"
    )
    assert_api_error(response, 403, "self_approval")
    pending.refresh_from_db()
    assert pending.status == Organization.Status.PENDING
    with pytest.raises(SelfApproval):
        organization_verify(actor=officer, organization=pending, reason="still mine")


def test_an_admin_cannot_make_themselves_a_signing_official(
    owner: User, org: Organization, signer: User
) -> None:
    with pytest.raises(SelfApproval):
        membership_role_set(actor=owner, organization=org, user=owner, role="signing_official")
    assert Membership.objects.get(user=owner, organization=org).role == "org_admin"
    # Another signing official may appoint them; and anyone may step down.
    membership_role_set(actor=signer, organization=org, user=owner, role="signing_official")
    membership_role_set(actor=owner, organization=org, user=owner, role="member")
    assert Membership.objects.get(user=owner, organization=org).role == "member"


def test_self_promotion_through_the_api_and_the_members_page(
    api_client_for: ApiClientFor, owner: User, org: Organization
) -> None:
    url = f"/api/v1/organizations/{org.public_id}/members/{owner.public_id}"
    response = api_client_for(owner).patch(url, {"role": "signing_official"}, format="json")
    assert_api_error(response, 403, "self_approval")
    membership = Membership.objects.get(user=owner, organization=org)
    page = signed_in(owner).post(
        f"/organizations/{org.public_id}/members/{owner.public_id}/role",
        {f"{membership.pk}-role": "signing_official"},
        follow=True,
    )
    assert "You cannot give yourself a role" in page.content.decode()
    assert Membership.objects.get(user=owner, organization=org).role == "org_admin"


def test_an_invitation_someone_sent_to_their_own_new_address_does_not_let_them_back_in(
    signer: User, org: Organization
) -> None:
    second = signing_official(org, "second@example.com")
    invitation = invitation_create(
        actor=signer, organization=org, email="later-me@example.com", role="signing_official"
    )
    token = invitation_token(invitation)
    Membership.objects.filter(user=signer, organization=org).delete()  # removed by `second`
    signer.email = "later-me@example.com"
    signer.save(update_fields=["email"])
    with pytest.raises(SelfApproval):
        invitation_accept(user=signer, token=token)
    assert not Membership.objects.filter(user=signer, organization=org).exists()
    assert second.pk != signer.pk


def test_staff_cannot_grant_themselves_a_role_in_the_admin(
    officer: User, operator_org: Organization, org: Organization
) -> None:
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    request = RequestFactory().post("/admin/")
    request.user = staff
    inline = MembershipInline(User, admin.site)
    formset_class = inline.get_formset(request, staff)
    data = {
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-organization": str(operator_org.pk),
        "memberships-0-role": "compliance_officer",
    }
    mine = formset_class(data, instance=staff, prefix="memberships")
    assert not mine.is_valid()
    assert "You cannot give yourself a role" in " ".join(mine.forms[0].errors["role"])
    # The same grant to someone else is the operator's ordinary act.
    colleague = UserFactory.create()
    theirs = formset_class(data, instance=colleague, prefix="memberships")
    assert theirs.is_valid(), theirs.errors


def test_the_admin_cannot_add_or_edit_sponsorships(signer: User, org: Organization) -> None:
    root = User.objects.create_superuser("root@example.com", "a-long-admin-password")
    client = Client()
    sign_in_with_second_factor(client, root)
    assert client.get("/admin/accounts/sponsorship/add/").status_code == 403
    sponsorship = SponsorshipFactory.create(organization=org, sponsored_by=signer)
    page = client.post(
        f"/admin/accounts/sponsorship/{sponsorship.pk}/change/", {"status": "revoked"}
    )
    # Sponsorships are read-only in the admin: the change is refused, not saved.
    assert page.status_code == 403
    assert Sponsorship.objects.get().status == "active"
