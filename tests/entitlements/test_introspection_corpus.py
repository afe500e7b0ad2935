"""The verifier package's corpus, through the introspection endpoint: every token the
verifier rejects is inactive, every token it accepts is active."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from entitlements import introspection, jws, publication
from entitlements.models import RevocationState, SigningKey
from entitlements.services.clients import model_client_create
from entitlements.services.keys import PURPOSE
from idverify.crypto import encrypt
from idverify_verifier.testing.corpus import LEEWAY, CorpusCase, build_corpus
from tests.entitlements.support import tier

pytestmark = pytest.mark.django_db

NOW = int(time.time())
KEY = Ed25519PrivateKey.generate()
X = jws.b64url(
    KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
)
KID = jws.okp_thumbprint(X)
ISSUER = "http://testserver"
CORPUS = build_corpus(key=KEY, kid=KID, issuer=ISSUER, audience="fable-5", now=NOW)


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[None]:
    settings.IDV_BASE_URL = ISSUER
    monkeypatch.setattr(introspection, "now", lambda: float(NOW))
    introspection.forget()
    yield
    introspection.forget()


@pytest.fixture
def credentials() -> str:
    tier("fable-5")
    raw = KEY.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    SigningKey.objects.create(
        kid=KID,
        public_key=X,
        private_key_encrypted=encrypt(raw, purpose=PURPOSE),
        state=SigningKey.State.ACTIVE,
        activated_at=timezone.now(),
    )
    created = model_client_create(name="corpus", tier_slug="fable-5")
    pair = f"{created.client.client_id}:{created.client_secret}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def publish(case: CorpusCase, serial: int) -> None:
    """Make the case's revocation document the one this service publishes."""
    document = case.revocations
    # Signed at the corpus's frozen now and valid long after, so only the case's
    # content decides (and no read re-signs it from the tables).
    signed_at = datetime.fromtimestamp(NOW, tz=UTC)
    RevocationState.objects.update_or_create(
        pk=1,
        defaults={
            "serial": serial,
            "produced_at": signed_at,
            "expires_at": signed_at + timedelta(hours=1),
            "tiers": document["tiers"],
            "users": document["users"],
            "jtis": document["jtis"],
        },
    )
    # Written behind the services' back, so no change was announced: drop this
    # process's copy, as a process that starts now would have none.
    publication.forget_cached()


def test_the_corpus_judges_with_the_same_leeway() -> None:
    assert introspection.LEEWAY == LEEWAY


def test_introspection_agrees_with_the_verifier_on_every_corpus_case(
    client: Client, credentials: str
) -> None:
    assert any(case.expected_code is None for case in CORPUS)
    assert sum(case.expected_code is not None for case in CORPUS) >= 40
    disagreements = []
    for serial, case in enumerate(CORPUS, start=10):
        publish(case, serial)
        response = client.post(
            "/api/v1/introspect", {"token": case.token}, headers={"Authorization": credentials}
        )
        assert response.status_code == 200, (case.name, response.content)
        active = response.json()["active"]
        if active is not (case.expected_code is None):
            disagreements.append(f"{case.name}: active={active}, verifier={case.expected_code}")
    assert not disagreements, "\n".join(disagreements)
