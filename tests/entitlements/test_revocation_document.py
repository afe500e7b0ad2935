"""GET /api/v1/revocations: a signed document, a strong ETag, and a serial that only grows."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import User
from entitlements import jws, publication
from entitlements.models import IssuedToken, RevocationState
from entitlements.services.keys import signing_keys_rotate
from entitlements.services.revocations import token_revoke, user_revoke
from entitlements.services.tiers import tier_directive_set
from entitlements.services.tokens import token_issue
from tests.entitlements.support import person, signals, tier
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db


def fetch(client: Client, etag: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"If-None-Match": etag} if etag else {}
    return client.get("/api/v1/revocations", headers=headers)


def verified_payload(client: Client, body: bytes) -> dict[str, object]:
    header_b64, payload_b64, signature_b64 = body.decode().split(".")
    header = json.loads(jws.b64url_decode(header_b64))
    assert header["alg"] == "EdDSA"
    assert header["typ"] == "revocations+jwt"
    keys = {key["kid"]: key for key in client.get("/.well-known/jwks.json").json()["keys"]}
    public = Ed25519PublicKey.from_public_bytes(jws.b64url_decode(keys[header["kid"]]["x"]))
    public.verify(jws.b64url_decode(signature_b64), f"{header_b64}.{payload_b64}".encode())
    payload: dict[str, object] = json.loads(jws.b64url_decode(payload_b64))
    return payload


def test_the_document_is_signed_and_lists_every_tier(client: Client, settings: Settings) -> None:
    tier("fable-5")
    tier("mythos-5")
    response = fetch(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwt"
    assert response["ETag"].startswith('"')
    assert not response["ETag"].startswith("W/")
    payload = verified_payload(client, response.content)
    assert payload["iss"] == settings.IDV_BASE_URL
    assert payload["tiers"] == {
        "fable-5": {"state": "open", "epoch": 0},
        "mythos-5": {"state": "open", "epoch": 0},
    }
    assert payload["users"] == {}
    assert payload["jtis"] == {}
    assert isinstance(payload["serial"], int)
    assert isinstance(payload["iat"], int)


def test_a_matching_etag_gets_304_and_a_change_gets_a_new_document(
    client: Client, officer: User
) -> None:
    tier("fable-5")
    first = fetch(client)
    again = fetch(client, first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert fetch(client, "W/" + first["ETag"]).status_code == 304
    assert fetch(client, f'"other", {first["ETag"]}').status_code == 304
    tier_directive_set(actor=officer, slug="fable-5", state="suspended", reason="Order 7")
    changed = fetch(client, first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    before = verified_payload(client, first.content)
    after = verified_payload(client, changed.content)
    assert after["serial"] > before["serial"]  # type: ignore[operator]
    assert after["tiers"] == {"fable-5": {"state": "suspended", "epoch": 1}}


def test_processes_serve_identical_bytes_for_one_serial(client: Client) -> None:
    tier("fable-5")
    first = fetch(client)
    publication.forget_cached()  # as another web process would start
    second = fetch(client)
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]


def test_revoked_people_and_jtis_are_listed_while_their_tokens_can_live(
    client: Client, officer: User
) -> None:
    fable = tier("fable-5", min_level=2)
    holder, other = person(2), person(2)
    token = token_issue(user=holder, tier=fable, signals=signals())
    token_revoke(actor=officer, jti=token.claims["jti"], reason="Leaked in a log")  # type: ignore[index]
    user_revoke(actor=officer, user=other, reason="Licence review")
    payload = verified_payload(client, fetch(client).content)
    assert payload["jtis"] == {token.claims["jti"]: token.claims["exp"]}  # type: ignore[index]
    cutoff = payload["users"][str(other.public_id)]  # type: ignore[index]
    # A moment past the revocation, so tokens being signed as it commits die too.
    assert time.time() <= cutoff <= time.time() + 3


def test_expired_entries_drop_out_at_the_next_change(client: Client, officer: User) -> None:
    fable = tier("fable-5", min_level=2)
    token = token_issue(user=person(2), tier=fable, signals=signals())
    token_revoke(actor=officer, jti=token.claims["jti"], reason="Leaked")  # type: ignore[index]
    IssuedToken.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    tier_directive_set(actor=officer, slug="fable-5", state="open", reason="Review")
    assert verified_payload(client, fetch(client).content)["jtis"] == {}


def test_the_serial_stays_ahead_even_if_the_state_row_goes_back(
    client: Client, officer: User
) -> None:
    tier("fable-5")
    held = verified_payload(client, fetch(client).content)["serial"]
    RevocationState.objects.update(serial=5)  # a restore from an old backup
    tier_directive_set(actor=officer, slug="fable-5", state="open", reason="After restore")
    assert verified_payload(client, fetch(client).content)["serial"] > held  # type: ignore[operator]


def test_without_a_usable_signing_key_the_document_is_unavailable_not_an_error(
    client: Client, settings: Settings
) -> None:
    tier("fable-5")
    signing_keys_rotate()
    settings.IDV_KEY_ENCRYPTION_KEY = "A" * 43  # the key in the database no longer opens
    response = fetch(client)
    assert_api_error(response, 503, "unavailable")
    assert "/readyz" in response.json()["error"]["message"]


def test_the_document_needs_no_credentials_and_is_not_throttled(client: Client) -> None:
    tier("fable-5")
    for _ in range(150):  # more than the anonymous API rate
        assert fetch(client).status_code == 200
