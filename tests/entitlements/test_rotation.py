"""Rotation without downtime: old tokens keep verifying, and a verifier with a cached JWKS
keeps working through next -> active -> retiring."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from entitlements import publication
from entitlements.models import ModelTier, SigningKey
from entitlements.services.keys import NEXT_MIN_AGE, RETIRE_AFTER, signing_keys_rotate
from entitlements.services.tokens import token_issue
from idverify.errors import Conflict
from idverify_verifier import Verifier
from tests.entitlements.support import person, signals, tier

pytestmark = pytest.mark.django_db


def let_time_pass(seconds: float) -> None:
    delta = timedelta(seconds=seconds)
    for key in SigningKey.objects.all():
        key.created_at -= delta
        if key.retiring_at:
            key.retiring_at -= delta
        key.save()


def issue(fable: ModelTier) -> str:
    outcome = token_issue(user=person(2), tier=fable, signals=signals())
    assert outcome.token is not None
    return outcome.token


def verifier_with(jwks: dict[str, object], settings: Settings) -> Verifier:
    # No revocation URL: this checks keys only (revocation has its own tests).
    return Verifier(issuer=settings.IDV_BASE_URL, audience="fable-5", jwks=jwks)


def test_a_verifier_with_the_jwks_cached_before_a_rotation_keeps_working(
    client: Client, settings: Settings
) -> None:
    fable = tier("fable-5", min_level=2)
    signing_keys_rotate()
    cached = client.get("/.well-known/jwks.json").json()
    old_verifier = verifier_with(cached, settings)
    before = issue(fable)

    let_time_pass(NEXT_MIN_AGE.total_seconds() + 1)
    signing_keys_rotate()  # the key the cached JWKS knew as "next" signs now
    after = issue(fable)
    assert after.split(".")[0] != before.split(".")[0], "a different kid signs"
    assert old_verifier.verify(before).aud == "fable-5"
    assert old_verifier.verify(after).aud == "fable-5"

    publication.forget_cached()  # as a process that did not serve the earlier copy
    new_verifier = verifier_with(client.get("/.well-known/jwks.json").json(), settings)
    assert new_verifier.verify(before).jti  # the retiring key is still published
    assert new_verifier.verify(after).jti


def test_a_retiring_key_stays_published_until_every_token_it_signed_has_expired(
    client: Client, settings: Settings
) -> None:
    fable = tier("fable-5", min_level=2)
    first = signing_keys_rotate()
    token = issue(fable)  # signed by the first key
    let_time_pass(NEXT_MIN_AGE.total_seconds() + 1)
    signing_keys_rotate()  # the first key is retiring now
    let_time_pass(NEXT_MIN_AGE.total_seconds() + 1)
    with pytest.raises(Conflict, match="still verifies tokens"):
        signing_keys_rotate()
    jwks = client.get("/.well-known/jwks.json").json()
    assert verifier_with(jwks, settings).verify(token).aud == "fable-5"

    assert RETIRE_AFTER.total_seconds() >= 900 + 30, "the longest lifetime plus leeway"
    let_time_pass(RETIRE_AFTER.total_seconds())
    retired = signing_keys_rotate().retired
    assert retired == first.activated
    publication.forget_cached()
    kids = {key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]}
    assert first.activated not in kids
