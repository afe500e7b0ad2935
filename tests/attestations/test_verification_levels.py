"""Verification levels L0-L3, computed in one place, and how they drop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Organization, Sponsorship, User
from attestations.models import Attestation, Document, UsPersonStatus
from attestations.selectors import VerificationStatus, verification_status
from tests.attestations.factories import AttestationFactory, DocumentFactory
from tests.support.factories import SponsorshipFactory

# The level query is on the token path: also run on SQLite (scripts/test.sh).
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_no_attestation_is_level_0(stranger: User) -> None:
    status = verification_status(user=stranger)
    assert (status.level, status.status, status.basis) == (0, None, None)
    assert not status.is_us_person


def test_a_clean_self_attestation_is_level_1(stranger: User) -> None:
    AttestationFactory.create(user=stranger)
    status = verification_status(user=stranger)
    assert (status.level, status.status, status.basis) == (1, "us_citizen", "self")
    assert status.is_us_person


def test_an_attestation_flagged_at_signing_gives_no_level(stranger: User) -> None:
    AttestationFactory.create(user=stranger, geo_clean=False)
    assert verification_status(user=stranger).level == 0


def test_an_expired_or_revoked_attestation_drops_to_level_0(stranger: User) -> None:
    attestation = AttestationFactory.create(user=stranger)
    assert (
        verification_status(user=stranger, at=attestation.expires_at + timedelta(seconds=1)).level
        == 0
    )
    Attestation.objects.filter(pk=attestation.pk).update(state=Attestation.State.REVOKED)
    assert verification_status(user=stranger).level == 0


def test_a_passed_document_supporting_the_status_is_level_2(stranger: User) -> None:
    AttestationFactory.create(user=stranger)
    DocumentFactory.create(user=stranger)
    status = verification_status(user=stranger)
    assert (status.level, status.basis) == (2, "document")


def test_a_document_supporting_another_status_does_not_count(stranger: User) -> None:
    AttestationFactory.create(user=stranger, status=UsPersonStatus.LAWFUL_PERMANENT_RESIDENT)
    DocumentFactory.create(user=stranger, supports_status=UsPersonStatus.US_CITIZEN)
    assert verification_status(user=stranger).level == 1


def test_a_rejected_or_expired_document_does_not_count(stranger: User) -> None:
    AttestationFactory.create(user=stranger)
    DocumentFactory.create(user=stranger, status=Document.Status.REJECTED)
    DocumentFactory.create(
        user=stranger, document_expires_on=timezone.now().date() - timedelta(days=1)
    )
    assert verification_status(user=stranger).level == 1


def test_sponsorship_by_a_verified_organisation_is_level_2(
    stranger: User, org: Organization
) -> None:
    AttestationFactory.create(user=stranger)
    SponsorshipFactory.create(user=stranger, organization=org)
    status = verification_status(user=stranger)
    assert (status.level, status.basis, status.organization_id) == (2, "sponsorship", org.public_id)


def test_both_routes_make_level_3(stranger: User, org: Organization) -> None:
    AttestationFactory.create(user=stranger)
    DocumentFactory.create(user=stranger)
    SponsorshipFactory.create(user=stranger, organization=org)
    status = verification_status(user=stranger)
    assert (status.level, status.basis) == (3, "both")


def test_an_officer_approved_document_is_level_3(stranger: User) -> None:
    AttestationFactory.create(user=stranger)
    DocumentFactory.create(user=stranger, status=Document.Status.APPROVED)
    assert (verification_status(user=stranger).level, verification_status(user=stranger).basis) == (
        3,
        "review",
    )


def test_a_revoked_expired_or_suspended_sponsorship_drops_the_level_at_once(
    stranger: User, org: Organization
) -> None:
    AttestationFactory.create(user=stranger)
    sponsorship = SponsorshipFactory.create(
        user=stranger, organization=org, expires_at=timezone.now() + timedelta(days=30)
    )
    assert verification_status(user=stranger).level == 2
    Organization.objects.filter(pk=org.pk).update(status=Organization.Status.SUSPENDED)
    assert verification_status(user=stranger).level == 1
    Organization.objects.filter(pk=org.pk).update(status=Organization.Status.VERIFIED)
    assert verification_status(user=stranger, at=sponsorship.expires_at).level == 1
    Sponsorship.objects.filter(pk=sponsorship.pk).update(status=Sponsorship.Status.REVOKED)
    assert verification_status(user=stranger).level == 1


def test_a_non_us_person_stays_at_level_1_whatever_else_they_have(
    stranger: User, org: Organization
) -> None:
    AttestationFactory.create(
        user=stranger, status=UsPersonStatus.NOT_US_PERSON, citizenships=["DE"]
    )
    SponsorshipFactory.create(user=stranger, organization=org)
    status = verification_status(user=stranger)
    assert (status.level, status.status) == (1, "not_us_person")
    assert not status.is_us_person


def _both_ways(user: User) -> list[VerificationStatus]:
    """The ORM-shaped selector and the token store's one statement, which must agree."""
    from entitlements import token_store

    by_orm = verification_status(user=user)
    now = timezone.now()
    by_sql = token_store.token_facts(user=user, at=now, since=now).status
    assert by_sql == by_orm
    # And the token request's read, which adds the tier (and on PostgreSQL the ids).
    _, facts = token_store.tier_and_token_facts(slug="fable-5", user=user, at=now, since=now)
    assert facts.status == by_orm
    return [by_orm, by_sql]


@pytest.mark.parametrize(
    "situation",
    ["active", "revoked", "expired", "not_started", "org_suspended", "org_pending", "two_orgs"],
)
def test_the_level_query_and_the_sponsorship_selector_agree(
    situation: str, stranger: User, org: Organization, other_org: Organization
) -> None:
    """The token path inlines the sponsorship rule as SQL; it must say what
    accounts.selectors.sponsorships.sponsorship_active says, in every situation."""
    from accounts.selectors.sponsorships import sponsorship_active

    AttestationFactory.create(user=stranger)
    now = timezone.now()
    sponsorship = SponsorshipFactory.create(user=stranger, organization=org)
    if situation == "revoked":
        Sponsorship.objects.filter(pk=sponsorship.pk).update(status=Sponsorship.Status.REVOKED)
    elif situation == "expired":
        Sponsorship.objects.filter(pk=sponsorship.pk).update(
            starts_at=now - timedelta(days=30), expires_at=now - timedelta(days=1)
        )
    elif situation == "not_started":
        Sponsorship.objects.filter(pk=sponsorship.pk).update(starts_at=now + timedelta(days=1))
    elif situation == "org_suspended":
        Organization.objects.filter(pk=org.pk).update(status=Organization.Status.SUSPENDED)
    elif situation == "org_pending":
        Organization.objects.filter(pk=org.pk).update(status=Organization.Status.PENDING)
    elif situation == "two_orgs":
        SponsorshipFactory.create(
            user=stranger, organization=other_org, expires_at=now + timedelta(days=900)
        )
    expected = sponsorship_active(user=stranger)
    for status in _both_ways(stranger):
        assert status.organization_id == (expected.organization.public_id if expected else None)
        assert status.level == (2 if expected else 1)


@pytest.mark.parametrize(
    "situation",
    [
        "passed",
        "approved",
        "rejected",
        "expired",
        "another_status",
        "renamed",
        "renewed_same_identity",
        "unbound",
        "someone_elses",
        "typed",
    ],
)
def test_the_level_query_and_the_document_selector_agree(
    situation: str, stranger: User, teammate: User
) -> None:
    """The token path inlines the document rule as SQL; it must say what
    attestations.selectors.documents_counting says, in every situation."""
    from attestations.selectors import attestation_current, documents_counting

    attestation = AttestationFactory.create(user=stranger)
    document = DocumentFactory.create(user=stranger)
    documents = Document.objects.filter(pk=document.pk)
    if situation == "approved":
        documents.update(status=Document.Status.APPROVED)
    elif situation == "rejected":
        documents.update(status=Document.Status.REJECTED)
    elif situation == "expired":
        documents.update(document_expires_on=timezone.now().date() - timedelta(days=1))
    elif situation == "another_status":
        documents.update(supports_status=UsPersonStatus.LAWFUL_PERMANENT_RESIDENT)
    elif situation in ("renamed", "renewed_same_identity"):
        Attestation.objects.filter(pk=attestation.pk).update(state=Attestation.State.SUPERSEDED)
        family_name = "Svensson" if situation == "renamed" else "ERIKSSON"
        AttestationFactory.create(user=stranger, family_name=family_name, supersedes=attestation)
    elif situation == "unbound":
        documents.update(identity_fingerprint="")
    elif situation == "someone_elses":
        documents.update(user=teammate)
    elif situation == "typed":
        # Passed on typed lines (IDV_TYPED_MRZ_PASSES=true): consistency, not the document.
        documents.update(mrz_source="typed")
    current = attestation_current(user=stranger)
    assert current is not None
    counting = documents_counting(attestation=current, at=timezone.now())
    approved = counting.filter(status=Document.Status.APPROVED).exists()
    expected = "review" if approved else "document" if counting.exists() else "self"
    for status in _both_ways(stranger):
        assert status.basis == expected
    if situation in ("passed", "approved", "renewed_same_identity"):
        assert expected != "self", "the situation meant to count does"


@pytest.mark.parametrize(
    "situation",
    [
        "accepted",
        "not_evidence",
        "expired",
        "another_status",
        "renamed",
        "someone_elses",
        "no_selfie",
    ],
)
def test_the_level_query_and_the_vendor_selector_agree(
    situation: str, stranger: User, teammate: User
) -> None:
    """The ORM selector and the token store's statement both read the vendor-verification
    rule; they must say what attestations.selectors.vendor_verifications_counting says."""
    from attestations.models import VendorVerification
    from attestations.selectors import attestation_current, vendor_verifications_counting

    attestation = AttestationFactory.create(user=stranger)
    verification = VendorVerification.objects.create(
        user=stranger,
        attestation=attestation,
        vendor="stripe_identity",
        session_id=f"vs_{situation}",
        outcome=VendorVerification.Outcome.ACCEPTED,
        document_kind="passport",
        issuing_country="US",
        document_expires_on=timezone.now().date() + timedelta(days=100),
        selfie_verified=True,
        supports_status=attestation.status,
        identity_fingerprint=attestation.identity_fingerprint,
    )
    rows = VendorVerification.objects.filter(pk=verification.pk)
    if situation == "not_evidence":
        rows.update(outcome=VendorVerification.Outcome.NOT_EVIDENCE)
    elif situation == "expired":
        rows.update(document_expires_on=timezone.now().date() - timedelta(days=1))
    elif situation == "another_status":
        rows.update(supports_status=UsPersonStatus.LAWFUL_PERMANENT_RESIDENT)
    elif situation == "renamed":
        Attestation.objects.filter(pk=attestation.pk).update(state=Attestation.State.SUPERSEDED)
        AttestationFactory.create(user=stranger, family_name="Svensson", supersedes=attestation)
    elif situation == "someone_elses":
        rows.update(user=teammate)
    elif situation == "no_selfie":
        rows.update(selfie_verified=False)
    current = attestation_current(user=stranger)
    assert current is not None
    counts = vendor_verifications_counting(attestation=current, at=timezone.now()).exists()
    for status in _both_ways(stranger):
        assert (status.assurance.ial == "ial2") is counts
        assert status.basis == ("document" if counts else "self")
    assert counts is (situation == "accepted")
