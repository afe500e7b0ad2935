"""The Stripe Identity webhook, as an attacker would try it first.

A webhook is a door anyone on the internet can knock on. Only a body signed
with the endpoint's secret is read at all, and even then it only names a
session: what the session proves is asked of Stripe's API.
"""

from __future__ import annotations

import time

import pytest

from attestations.models import VendorEvent, VendorVerification
from attestations.selectors import verification_status
from audit.models import AuditEvent
from tests.attestations.stripe_server import FakeStripe, Passport, stripe_signature
from tests.attestations.vendor_support import (
    WEBHOOK,
    _stripe_server,  # noqa: F401 - the stripe_server fixture
    anna,
    deliver,
    start,
)

pytestmark = pytest.mark.django_db
Outcome = VendorVerification.Outcome


def fetches(server: FakeStripe) -> int:
    return sum(1 for request in server.requests if request.method == "GET")


@pytest.mark.parametrize(
    "header",
    [
        None,  # signed with another secret (below)
        "",
        "t=123",
        "v1=" + "0" * 64,
        "t=notanumber,v1=abc",
    ],
)
def test_a_webhook_that_is_not_signed_with_the_endpoint_secret_gets_400_and_changes_nothing(
    stripe_server: FakeStripe, header: str | None
) -> None:
    verification = start(anna(), stripe_server)
    stripe_server.verify(verification.session_id)
    body = stripe_server.event(verification.session_id, "identity.verification_session.verified")
    if header is None:
        response = deliver(body, secret="whsec_an_attackers_guess")
    else:
        response = deliver(body, header=header)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook.bad_signature"
    verification.refresh_from_db()
    assert verification.outcome == Outcome.STARTED
    assert not VendorEvent.objects.exists()
    assert fetches(stripe_server) == 0


def test_a_signed_body_altered_in_transit_gets_400(stripe_server: FakeStripe) -> None:
    verification = start(anna(), stripe_server)
    body = stripe_server.event(verification.session_id, "identity.verification_session.verified")
    header = stripe_signature(body, "whsec_idverify_local_test_secret")
    response = deliver(body.replace('"livemode": false', '"livemode": true'), header=header)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook.bad_signature"
    verification.refresh_from_db()
    assert verification.outcome == Outcome.STARTED
    assert not VendorEvent.objects.exists()


def test_an_old_signed_event_outside_stripes_tolerance_gets_400(stripe_server: FakeStripe) -> None:
    verification = start(anna(), stripe_server)
    stripe_server.verify(verification.session_id)
    body = stripe_server.event(verification.session_id, "identity.verification_session.verified")
    old = stripe_signature(
        body, "whsec_idverify_local_test_secret", timestamp=int(time.time()) - 301
    )
    assert deliver(body, header=old).status_code == 400
    verification.refresh_from_db()
    assert verification.outcome == Outcome.STARTED


def test_the_webhook_body_is_never_believed_only_stripes_api(stripe_server: FakeStripe) -> None:
    """A correctly signed event claiming "verified" with outputs in its body, while Stripe
    says the session is still processing: the person stays where they were."""
    user = anna()
    verification = start(user, stripe_server)
    stripe_server.set_status(verification.session_id, "processing")
    body = stripe_server.event(
        verification.session_id,
        "identity.verification_session.verified",
        status="verified",
        verified_outputs={"first_name": "Anna Maria", "last_name": "Eriksson"},
    )
    response = deliver(body)
    assert response.status_code == 200
    verification.refresh_from_db()
    assert verification.outcome == Outcome.PROCESSING
    assert verification_status(user=user).assurance.ial == "none"


def test_a_replayed_event_is_processed_once(stripe_server: FakeStripe) -> None:
    verification = start(anna(), stripe_server)
    stripe_server.verify(verification.session_id)
    body = stripe_server.event(verification.session_id, "identity.verification_session.verified")
    assert deliver(body).json()["result"] == "applied"
    events = AuditEvent.objects.count()
    again = deliver(body)
    assert again.status_code == 200
    assert again.json()["result"] == "replayed"
    assert fetches(stripe_server) == 1
    assert AuditEvent.objects.count() == events
    assert VendorEvent.objects.count() == 1


def test_events_out_of_order_follow_stripes_state_not_their_order(
    stripe_server: FakeStripe,
) -> None:
    """ "processing" arriving after "verified" (Stripe does not promise an order)."""
    user = anna()
    verification = start(user, stripe_server)
    processing = stripe_server.event(
        verification.session_id, "identity.verification_session.processing"
    )
    stripe_server.verify(verification.session_id)
    verified = stripe_server.event(
        verification.session_id, "identity.verification_session.verified"
    )
    assert deliver(verified).json()["result"] == "applied"
    late = deliver(processing)
    assert late.status_code == 200
    assert late.json()["result"] == "unchanged"
    verification.refresh_from_db()
    assert verification.outcome == Outcome.ACCEPTED
    assert verification_status(user=user).assurance.ial == "ial2"


def test_a_verified_result_is_final_even_if_stripe_later_says_otherwise(
    stripe_server: FakeStripe,
) -> None:
    verification = start(anna(), stripe_server)
    stripe_server.verify(verification.session_id)
    deliver(stripe_server.event(verification.session_id, "identity.verification_session.verified"))
    stripe_server.set_status(verification.session_id, "requires_input")
    body = stripe_server.event(
        verification.session_id, "identity.verification_session.requires_input"
    )
    assert deliver(body).json()["result"] == "unchanged"
    verification.refresh_from_db()
    assert verification.outcome == Outcome.ACCEPTED


def test_an_event_for_a_session_this_service_did_not_create_changes_nothing(
    stripe_server: FakeStripe,
) -> None:
    """E.g. another integration on the same Stripe account: acknowledged, logged, ignored."""
    session = stripe_server.create({"type": "document", "metadata[idv_person]": "someone"})
    stripe_server.verify(session["id"])
    response = deliver(stripe_server.event(session["id"], "identity.verification_session.verified"))
    assert response.status_code == 200
    assert response.json()["result"] == "unknown_session"
    assert not VendorVerification.objects.exists()
    assert fetches(stripe_server) == 0


def test_a_session_bound_to_another_person_changes_nothing(stripe_server: FakeStripe) -> None:
    """Stripe's record of the session names someone else than the person it is stored for."""
    bob = anna()
    mallory = anna()
    verification = start(bob, stripe_server)
    stripe_server.set_metadata(verification.session_id, idv_person=str(mallory.public_id))
    stripe_server.verify(verification.session_id)
    response = deliver(
        stripe_server.event(verification.session_id, "identity.verification_session.verified")
    )
    assert response.status_code == 200
    assert response.json()["result"] == "another_person"
    verification.refresh_from_db()
    assert verification.outcome == Outcome.STARTED
    for person in (bob, mallory):
        assert verification_status(user=person).assurance.ial == "none"
    assert AuditEvent.objects.filter(action="vendor_verification.binding_mismatch").exists()


def test_a_signed_body_that_is_not_an_event_gets_400(stripe_server: FakeStripe) -> None:
    response = deliver('{"hello": "world"}')
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook.bad_event"


def test_other_event_types_are_acknowledged_and_ignored(stripe_server: FakeStripe) -> None:
    body = '{"id": "evt_1", "type": "charge.succeeded", "data": {"object": {"object": "charge"}}}'
    response = deliver(body)
    assert response.status_code == 200
    assert response.json()["result"] == "ignored"


def test_when_stripe_cannot_be_asked_the_event_is_refused_for_a_retry(
    stripe_server: FakeStripe, settings: object
) -> None:
    verification = start(anna(), stripe_server)
    stripe_server.verify(verification.session_id)
    body = stripe_server.event(verification.session_id, "identity.verification_session.verified")
    from tests.attestations.vendor_support import free_port

    settings.IDV_STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"  # type: ignore[attr-defined]
    refused = deliver(body)
    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "vendor.unavailable"
    assert not VendorEvent.objects.exists()
    settings.IDV_STRIPE_API_BASE = stripe_server.url  # type: ignore[attr-defined]
    assert deliver(body).json()["result"] == "applied"


def test_without_a_key_the_webhook_answers_404(settings: object, client: object) -> None:
    settings.IDV_STRIPE_SECRET_KEY = ""  # type: ignore[attr-defined]
    response = client.post(WEBHOOK, data="{}", content_type="application/json")  # type: ignore[attr-defined]
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "vendor.not_configured"


def test_a_person_cannot_claim_a_result_through_the_return_url(stripe_server: FakeStripe) -> None:
    """The browser comes back to the status page; nothing it carries is read."""
    from tests.attestations.vendor_support import browser

    user = anna()
    verification = start(user, stripe_server)
    stripe_server.verify(verification.session_id, Passport())
    page = browser(user).get(f"/status/?session_id={verification.session_id}&status=verified")
    assert page.status_code == 200
    assert "Processing" in page.content.decode()
    verification.refresh_from_db()
    assert verification.outcome == Outcome.STARTED


def test_a_signed_event_with_an_absurd_id_gets_400_not_an_error(stripe_server: FakeStripe) -> None:
    body = (
        '{"id": "evt_' + "x" * 300 + '", "type": "identity.verification_session.verified",'
        ' "data": {"object": {"object": "identity.verification_session", "id": "vs_1"}}}'
    )
    response = deliver(body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook.bad_event"
    assert not VendorEvent.objects.exists()
