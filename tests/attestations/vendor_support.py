"""Fixtures for the vendor path: a local Stripe, its settings, a person, webhook delivery."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from attestations.models import VendorVerification
from tests.attestations.factories import AttestationFactory
from tests.attestations.stripe_server import FakeStripe, stripe_signature
from tests.support.factories import UserFactory

WEBHOOK = "/webhooks/stripe/identity"
SECRET_KEY = "sk_test_idverify_local"
WEBHOOK_SECRET = "whsec_idverify_local_test_secret"


@pytest.fixture(name="stripe_server")
def _stripe_server(settings: Any) -> Iterator[FakeStripe]:
    """A Stripe-compatible server on a free local port, and settings pointing at it."""
    server = FakeStripe()
    settings.IDV_STRIPE_SECRET_KEY = SECRET_KEY
    settings.IDV_STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.IDV_STRIPE_API_BASE = server.url
    settings.IDV_STRIPE_TIMEOUT = 5
    try:
        yield server
    finally:
        server.close()


def free_port() -> int:
    """A local port nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def anna(**attestation: Any) -> User:
    """Anna Maria Eriksson, born 1974-08-12, who attests U.S. citizenship."""
    user: User = UserFactory.create()
    AttestationFactory.create(user=user, **attestation)
    return user


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start(user: User, server: FakeStripe) -> VendorVerification:
    """The person presses the button on their status page; Stripe sends them on."""
    response = browser(user).post("/verify/stripe_identity/start")
    assert response.status_code == 303, response.content
    verification = VendorVerification.objects.get(user=user)
    assert response["Location"] == server.sessions[verification.session_id]["url"]
    return verification


def deliver(body: str, *, secret: str = WEBHOOK_SECRET, header: str | None = None) -> Any:
    """POST a webhook as Stripe does: the body, and its Stripe-Signature header."""
    signature = stripe_signature(body, secret) if header is None else header
    return Client().post(
        WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
