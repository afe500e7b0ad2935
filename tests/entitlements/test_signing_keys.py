"""Signing keys: first keys, safe rotation steps, the JWKS, readiness, the command and task."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from audit.models import AuditEvent
from entitlements import jws
from entitlements.health import check_signing_key
from entitlements.models import SigningKey
from entitlements.services import keys
from entitlements.services.keys import (
    NEXT_MIN_AGE,
    RETIRE_AFTER,
    active_signer,
    signing_keys_rotate,
    signing_keys_rotate_if_due,
)
from entitlements.tasks import rotate_signing_keys
from idverify.crypto import decrypt
from idverify.errors import Conflict

pytestmark = pytest.mark.django_db


def states() -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for key in SigningKey.objects.order_by("created_at"):
        result.setdefault(key.state, []).append(key.kid)
    return result


def age_everything(seconds: float) -> None:
    """Move every key's timestamps into the past, as if time had passed."""
    delta = timedelta(seconds=seconds)
    for key in SigningKey.objects.all():
        for name in ("created_at", "activated_at", "retiring_at"):
            value = getattr(key, name)
            if value is not None:
                setattr(key, name, value - delta)
        key.save()


def test_the_first_step_creates_an_active_and_a_next_key() -> None:
    result = signing_keys_rotate()
    current = states()
    assert current == {"active": [result.activated], "next": [result.next]}
    assert AuditEvent.objects.filter(action="signing_key.rotated").count() == 1


def test_private_halves_are_encrypted_and_kids_are_thumbprints() -> None:
    signing_keys_rotate()
    for key in SigningKey.objects.all():
        raw = bytes(key.private_key_encrypted)
        assert raw.startswith(b"IDV1")
        assert len(decrypt(raw, purpose=keys.PURPOSE)) == 32
        assert key.kid == jws.okp_thumbprint(key.public_key)


def test_a_full_rotation_step_moves_every_key_along() -> None:
    first = signing_keys_rotate()
    age_everything(NEXT_MIN_AGE.total_seconds() + 1)
    second = signing_keys_rotate()
    assert second.activated == first.next
    assert second.retiring == first.activated
    age_everything(RETIRE_AFTER.total_seconds() + 1)
    third = signing_keys_rotate()
    assert third.retired == first.activated
    assert states() == {
        "retired": [first.activated],
        "retiring": [second.activated],
        "active": [second.next],
        "next": [third.next],
    }
    retired = SigningKey.objects.get(kid=first.activated)
    assert bytes(retired.private_key_encrypted) == b"", "a retired key can never sign again"


def test_rotating_before_verifiers_can_know_the_next_key_is_refused() -> None:
    signing_keys_rotate()
    with pytest.raises(Conflict, match="Rotate again in"):
        signing_keys_rotate()
    age_everything(NEXT_MIN_AGE.total_seconds() + 1)
    signing_keys_rotate()
    age_everything(NEXT_MIN_AGE.total_seconds() + 1)
    with pytest.raises(Conflict, match="still verifies tokens"):
        signing_keys_rotate()


def test_force_rotates_at_once_for_a_compromised_key() -> None:
    first = signing_keys_rotate()
    forced = signing_keys_rotate(force=True)
    assert forced.activated == first.next


def test_the_signer_follows_a_rotation_in_this_process() -> None:
    first = signing_keys_rotate()
    assert active_signer().kid == first.activated
    second = signing_keys_rotate(force=True)
    assert active_signer().kid == second.activated


def test_first_use_creates_the_keys() -> None:
    assert not SigningKey.objects.exists()
    signer = active_signer()
    assert states()["active"] == [signer.kid]


def test_the_jwks_publishes_next_active_and_retiring_keys(client: Client) -> None:
    first = signing_keys_rotate()
    second = signing_keys_rotate(force=True)
    third = signing_keys_rotate(force=True)
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    published = response.json()["keys"]
    assert {key["kid"] for key in published} == {second.activated, third.activated, third.next}
    assert first.activated not in {key["kid"] for key in published}
    for key in published:
        assert key == {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": SigningKey.objects.get(kid=key["kid"]).public_key,
            "kid": key["kid"],
            "alg": "EdDSA",
            "use": "sig",
        }


def test_readiness_fails_without_an_active_key(client: Client) -> None:
    result = check_signing_key()
    assert result.status == "fail"
    assert "rotate_signing_keys" in result.message
    body = client.get("/readyz").json()
    assert body["checks"]["signing_key"]["status"] == "fail"


def test_readiness_fails_when_the_key_cannot_be_decrypted(settings: Settings) -> None:
    signing_keys_rotate()
    assert check_signing_key().status == "ok"
    settings.IDV_KEY_ENCRYPTION_KEY = "A" * 43
    result = check_signing_key()
    assert result.status == "fail"
    assert "cannot be decrypted" in result.message
    assert "IDV_KEY_ENCRYPTION_KEY" in result.message


def test_issuance_is_unavailable_when_the_key_cannot_be_decrypted(
    settings: Settings,
) -> None:
    signing_keys_rotate()
    settings.IDV_KEY_ENCRYPTION_KEY = "A" * 43
    with pytest.raises(keys.SigningKeyUnavailable, match="cannot be decrypted"):
        active_signer()


def test_the_command_does_one_step_and_refuses_an_unsafe_one() -> None:
    out = StringIO()
    call_command("rotate_signing_keys", stdout=out)
    assert "Created the first signing key" in out.getvalue()
    with pytest.raises(CommandError, match="Rotate again in"):
        call_command("rotate_signing_keys", stdout=StringIO())
    call_command("rotate_signing_keys", "--force", stdout=out)
    assert "Rotated" in out.getvalue()


def test_the_command_if_due_is_safe_to_repeat() -> None:
    out = StringIO()
    call_command("rotate_signing_keys", "--if-due", stdout=out)
    call_command("rotate_signing_keys", "--if-due", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert len(states()["active"]) == 1


def test_the_periodic_task_rotates_only_when_the_active_key_is_old(
    settings: Settings,
) -> None:
    settings.IDV_SIGNING_KEY_ROTATION_DAYS = 30
    rotate_signing_keys.delay()
    active = states()["active"]
    assert signing_keys_rotate_if_due() is None
    age_everything(timedelta(days=31).total_seconds())
    rotated = signing_keys_rotate_if_due(now=timezone.now())
    assert rotated is not None
    assert rotated.retiring == active[0]
