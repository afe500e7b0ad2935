"""People read sentences in their own words; officers and programs keep the identifiers."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Membership, Organization, User
from attestations.models import Document, DocumentDecisionReason, DocumentType
from attestations.services import document_review_decide, document_submit
from tests.attestations import images
from tests.attestations.factories import AttestationFactory
from tests.attestations.mrz_samples import td3
from tests.entitlements.support import tier
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def _as(user: User) -> Client:
    """Signed in with a session that passed a second factor, as privileged people must."""
    client = Client()
    sign_in_with_second_factor(client, user)
    return client


def test_the_person_sees_check_titles_and_the_officer_the_identifiers(
    stranger: User, officer: User
) -> None:
    AttestationFactory.create(user=stranger)
    document = document_submit(
        user=stranger, document_type=DocumentType.US_PASSPORT, mrz=td3(family="SMITH")
    )
    mine = _as(stranger).get(f"/documents/{document.public_id}/").content.decode()
    assert '<td data-label="Check">Your name</td>' in mine
    assert "name_matches" not in mine
    assert "document_number_check_digit" not in mine
    theirs = _as(officer).get(f"/review/{document.public_id}/").content.decode()
    assert "<code>name_matches</code>" in theirs


def test_a_rejection_is_explained_to_the_person_not_in_the_officers_menu_words(
    stranger: User, officer: User
) -> None:
    AttestationFactory.create(user=stranger)
    document = document_submit(
        user=stranger, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.png()
    )
    document_review_decide(
        officer=officer,
        document_public_id=document.public_id,
        decision="reject",
        reason=DocumentDecisionReason.NAME_OR_BIRTH_DATE_MISMATCH,
    )
    client = _as(stranger)
    page = client.get(f"/documents/{document.public_id}/").content.decode()
    assert "Reject:" not in page
    assert "does not match your attestation. If your attestation has a mistake" in page
    status = client.get("/status/").content.decode()
    assert "Reject:" not in status
    assert "Your document was not accepted. The name or date of birth" in status
    assert Document.objects.get(pk=document.pk).decision_reason == "name_or_birth_date_mismatch"


def test_what_a_model_needs_keeps_the_capitals_of_us_person(stranger: User) -> None:
    tier("fable-5", name="Fable 5", min_level=2, us_person_required=True)
    html = _as(stranger).get("/status/").content.decode()
    assert "Verification level 2, U.S.-person status" in html
    assert "u.s." not in html


def test_a_signing_official_without_a_name_is_shown_once(owner: User, org: Organization) -> None:
    unnamed = UserFactory.create(full_name="", email="signer@example.com")
    MembershipFactory.create(user=unnamed, organization=org, role=Membership.Role.SIGNING_OFFICIAL)
    html = _as(owner).get(f"/organizations/{org.public_id}/").content.decode()
    assert "signer@example.com (signer@example.com)" not in html
    assert "<li>signer@example.com</li>" in html
