"""Verifying with Stripe Identity: start, result, and what the result is worth.

The real ``stripe`` library talks to a local Stripe-compatible server
(tests/attestations/stripe_server.py); results arrive by signed webhook.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from attestations.models import Document, ReviewReason, UsPersonStatus, VendorVerification
from attestations.selectors import review_queue, vendor_verifications_counting, verification_status
from entitlements.policy import decide
from tests.attestations.stripe_server import FakeStripe, Passport
from tests.attestations.vendor_support import (
    SECRET_KEY,
    _stripe_server,  # noqa: F401 - the stripe_server fixture
    anna,
    browser,
    deliver,
    free_port,
    start,
)
from tests.entitlements.support import signals, tier
from tests.support.factories import MembershipFactory, OrganizationFactory, SponsorshipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]
Outcome = VendorVerification.Outcome
MYTHOS: dict[str, Any] = {
    "min_level": 3,
    "us_person_required": True,
    "sponsorship_required": True,
    "min_assurance": "ial2",
}


def verified(
    server: FakeStripe, passport: Passport | None = None, **attested: Any
) -> VendorVerification:
    """Anna starts, Stripe verifies what she showed, Stripe's webhook arrives."""
    verification = start(anna(**attested), server)
    server.verify(verification.session_id, passport)
    response = deliver(
        server.event(verification.session_id, "identity.verification_session.verified")
    )
    assert response.status_code == 200, response.content
    verification.refresh_from_db()
    return verification


def test_the_session_is_created_server_side_for_a_passport_and_a_matching_live_selfie(
    stripe_server: FakeStripe,
) -> None:
    user = anna()
    verification = start(user, stripe_server)
    (create,) = [r for r in stripe_server.requests if r.method == "POST"]
    assert create.authorization == f"Bearer {SECRET_KEY}"
    assert create.params["type"] == "document"
    assert create.params["options[document][require_matching_selfie]"] == "true"
    assert create.params["options[document][require_live_capture]"] == "true"
    assert create.params["options[document][allowed_types][0]"] == "passport"
    assert create.params["metadata[idv_person]"] == str(user.public_id)
    assert create.params["client_reference_id"] == str(verification.public_id)
    assert create.params["return_url"].endswith("/status/")
    assert verification.outcome == Outcome.STARTED


def test_back_from_stripe_the_status_page_says_it_is_processing(stripe_server: FakeStripe) -> None:
    user = anna()
    verification = start(user, stripe_server)
    stripe_server.set_status(verification.session_id, "processing")
    deliver(
        stripe_server.event(verification.session_id, "identity.verification_session.processing")
    )
    page = browser(user).get("/status/").content.decode()
    assert "Processing: Stripe Identity is checking your passport and selfie" in page
    assert "Level 1" in page


def test_a_verified_us_passport_with_a_matched_selfie_is_strong_biometric_evidence(
    stripe_server: FakeStripe,
) -> None:
    verification = verified(stripe_server)
    assert verification.outcome == Outcome.ACCEPTED
    assert (verification.document_kind, verification.issuing_country) == ("passport", "US")
    assert verification.supports_status == UsPersonStatus.US_CITIZEN
    assert verification.document_expires_on is not None
    status = verification_status(user=verification.user)
    assert (status.level, status.basis) == (2, "document")
    assert status.assurance.ial == "ial2"
    (vendor,) = [e for e in status.assurance.evidence if e.kind == "vendor_verified"]
    assert vendor.strength == "strong"
    assert (vendor.validation.method, vendor.verification.method) == ("vri", "bvr")  # type: ignore[union-attr]
    assert "Stripe Identity" in vendor.verification.performed_by  # type: ignore[union-attr]
    assert list(
        vendor_verifications_counting(attestation=status.attestation, at=dt.datetime.now(dt.UTC))  # type: ignore[arg-type]
    ) == [verification]
    page = browser(verification.user).get("/status/").content.decode()
    assert "Verified and accepted as evidence" in page


def test_stripe_plus_sponsorship_reaches_mythos_5_and_the_token_says_ial2_with_bvr(
    stripe_server: FakeStripe,
) -> None:
    mythos = tier("mythos-5", **MYTHOS)
    verification = verified(stripe_server)
    user = verification.user
    refused = decide(user, mythos, signals())
    assert not refused.allowed  # no sponsorship yet
    org = OrganizationFactory.create()
    MembershipFactory.create(user=user, organization=org)
    SponsorshipFactory.create(user=user, organization=org)
    decision = decide(user, mythos, signals())
    assert decision.allowed, decision.reason_codes
    assert decision.claims["ial"] == "ial2"
    assert decision.claims["evd"] == ["vri", "bvr", "data"]
    assert decision.claims["usp"] == {"status": "us_citizen", "level": 3, "basis": "both"}


def test_a_foreign_passport_is_verified_but_is_not_evidence_of_us_status(
    stripe_server: FakeStripe,
) -> None:
    verification = verified(stripe_server, Passport(issuing_country="FR"))
    assert verification.outcome == Outcome.NOT_EVIDENCE
    assert [r["code"] for r in verification.reasons] == ["vendor.not_status_evidence"]
    assert "France" in verification.reasons[0]["message"]
    assert verification_status(user=verification.user).assurance.ial == "none"
    page = browser(verification.user).get("/status/").content.decode()
    assert "does not evidence your status" in page


def test_a_us_driving_licence_is_not_evidence_of_us_person_status(
    stripe_server: FakeStripe,
) -> None:
    verification = verified(stripe_server, Passport(kind="driving_license"))
    assert verification.outcome == Outcome.NOT_EVIDENCE
    assert "whatever their status" in verification.reasons[0]["message"]
    assert verification_status(user=verification.user).level == 1


def test_a_us_passport_does_not_evidence_permanent_residence(stripe_server: FakeStripe) -> None:
    verification = verified(stripe_server, status=UsPersonStatus.LAWFUL_PERMANENT_RESIDENT)
    assert verification.outcome == Outcome.NOT_EVIDENCE
    assert verification_status(user=verification.user).assurance.ial == "none"


@pytest.mark.parametrize(
    ("shown", "code"),
    [
        (Passport(last_name="Andersson"), "vendor.family_name_mismatch"),
        (Passport(first_name="Annika"), "vendor.given_names_mismatch"),
        (Passport(dob=dt.date(1974, 8, 13)), "vendor.date_of_birth_mismatch"),
    ],
)
def test_a_passport_of_another_identity_goes_to_an_officer_not_to_evidence(
    stripe_server: FakeStripe, officer: Any, shown: Passport, code: str
) -> None:
    verification = verified(stripe_server, shown)
    assert verification.outcome == Outcome.NEEDS_REVIEW
    assert [r["code"] for r in verification.reasons] == [code]
    assert verification.identity_fingerprint == ""
    assert verification_status(user=verification.user).assurance.ial == "none"
    document = verification.review_document
    assert document is not None
    assert document.status == Document.Status.NEEDS_REVIEW
    assert document.review_reasons == [ReviewReason.VENDOR_IDENTITY_MISMATCH]
    assert document in review_queue(viewer=officer)
    # The stored checks name what differs, never the values read (they name people).
    assert "Andersson" not in str(document.checks)
    assert "Annika" not in str(document.checks)


def test_spellings_the_name_checks_treat_as_one_match(stripe_server: FakeStripe) -> None:
    verification = verified(stripe_server, Passport(first_name="ANNA MARIA", last_name="ERIKSSON"))
    assert verification.outcome == Outcome.ACCEPTED


def test_a_session_stripe_could_not_verify_asks_the_person_to_try_again(
    stripe_server: FakeStripe,
) -> None:
    user = anna()
    verification = start(user, stripe_server)
    stripe_server.set_status(verification.session_id, "requires_input", error="document_expired")
    deliver(
        stripe_server.event(verification.session_id, "identity.verification_session.requires_input")
    )
    verification.refresh_from_db()
    assert verification.outcome == Outcome.REQUIRES_INPUT
    assert "Start again" in browser(user).get("/status/").content.decode()


def test_an_accepted_verification_stops_counting_when_the_identity_is_re_attested(
    stripe_server: FakeStripe,
) -> None:
    verification = verified(stripe_server)
    user = verification.user
    user.attestations.update(state="superseded")
    from tests.attestations.factories import AttestationFactory

    AttestationFactory.create(user=user, family_name="Someone-Else")
    assert verification_status(user=user).assurance.ial == "none"


def test_when_stripe_is_down_the_person_gets_a_clear_message_not_an_error_page(
    settings: Any,
) -> None:
    settings.IDV_STRIPE_SECRET_KEY = SECRET_KEY
    settings.IDV_STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    settings.IDV_STRIPE_TIMEOUT = 2
    user = anna()
    client = browser(user)
    response = client.post("/verify/stripe_identity/start", follow=True)
    assert response.status_code == 200
    assert "Stripe Identity could not be reached just now" in response.content.decode()
    assert not VendorVerification.objects.exists()


def test_without_a_key_the_option_is_not_offered(settings: Any) -> None:
    settings.IDV_STRIPE_SECRET_KEY = ""
    user = anna()
    client = browser(user)
    page = client.get("/status/").content.decode()
    assert "Verify with" not in page
    response = client.post("/verify/stripe_identity/start", follow=True)
    assert "not offered here" in response.content.decode()
    assert not VendorVerification.objects.exists()


def test_with_a_key_the_status_page_offers_it(stripe_server: FakeStripe) -> None:
    page = browser(anna()).get("/status/").content.decode()
    assert "Verify with Stripe Identity" in page


def test_a_person_without_a_us_person_attestation_cannot_start(stripe_server: FakeStripe) -> None:
    user = anna(status=UsPersonStatus.NOT_US_PERSON)
    client = browser(user)
    assert "Verify with" not in client.get("/status/").content.decode()
    response = client.post("/verify/stripe_identity/start", follow=True)
    assert "Sign an attestation of your U.S.-person status first" in response.content.decode()
    assert not stripe_server.requests


def test_starting_needs_a_post_from_a_signed_in_person(
    stripe_server: FakeStripe, client: Any
) -> None:
    assert client.post("/verify/stripe_identity/start").status_code == 302  # to sign in
    assert browser(anna()).get("/verify/stripe_identity/start").status_code == 405
    assert not stripe_server.requests


def test_the_admin_shows_verifications_read_only(stripe_server: FakeStripe) -> None:
    from django.test import Client

    from accounts.models import User
    from tests.support.people import sign_in_with_second_factor

    verification = verified(stripe_server)
    staff = Client()
    sign_in_with_second_factor(
        staff, User.objects.create_superuser("root@example.com", "a-long-admin-password")
    )
    listing = staff.get("/admin/attestations/vendorverification/")
    assert listing.status_code == 200
    assert verification.user.email.encode() in listing.content
    url = f"/admin/attestations/vendorverification/{verification.pk}/delete/"
    assert staff.post(url).status_code == 403


def test_a_key_without_a_webhook_secret_is_flagged_at_start_up(settings: Any) -> None:
    from attestations.checks import check_stripe_identity

    settings.IDV_STRIPE_SECRET_KEY = SECRET_KEY
    settings.IDV_STRIPE_WEBHOOK_SECRET = ""
    assert [m.id for m in check_stripe_identity(None)] == ["attestations.W001"]
    settings.IDV_STRIPE_WEBHOOK_SECRET = "whsec_x"
    settings.IDV_STRIPE_API_BASE = "ftp://example.org"
    assert [m.id for m in check_stripe_identity(None)] == ["attestations.E001"]
    settings.IDV_STRIPE_API_BASE = "https://api.stripe.com"
    assert check_stripe_identity(None) == []


def test_an_officer_who_approves_a_mismatch_gives_the_person_reviewed_evidence(
    stripe_server: FakeStripe, officer: Any
) -> None:
    from attestations.services import APPROVE, document_review_decide

    verification = verified(stripe_server, Passport(last_name="Eriksson-Berg"))
    assert verification.review_document is not None
    document_review_decide(
        officer=officer,
        document_public_id=verification.review_document.public_id,
        decision=APPROVE,
        reason="name_difference_explained",
    )
    status = verification_status(user=verification.user)
    assert (status.level, status.basis, status.assurance.ial) == (3, "review", "ial2")
