"""What verifiers read: the JWKS, the signed revocation document, the service metadata.

The revocation document for a serial is signed once per process and served
from memory until the serial (or the signing key) changes; a request costs
one indexed read of the serial and its expiry. Ed25519 signatures are
deterministic, so every process serves byte-identical bodies and the same
strong ETag. A document with less than half its lifetime left is re-signed
before it is served (the heartbeat normally does it first), so no verifier is
ever handed a copy about to expire; and a document is produced first when
voided tokens await publication (``users_tokens_void`` leaves that to the
next read: a thousand deactivations between two polls cost one document).
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from entitlements import jws
from entitlements.models import RevocationState, SigningKey
from entitlements.services.keys import SigningKeyUnavailable, active_signer, published_keys
from entitlements.services.revocations import (
    document_ttl,
    revocation_document_resign,
    revocations_awaiting_publication,
)
from idverify.errors import Unavailable

JWKS_CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class SignedDocument:
    serial: int
    kid: str
    payload: dict[str, Any]
    body: bytes
    etag: str


_lock = threading.Lock()
_document: SignedDocument | None = None
_jwks: tuple[dict[str, Any], float] | None = None


def jwks() -> dict[str, Any]:
    """Next, active and retiring public keys, each pinned to EdDSA for signatures."""
    global _jwks  # noqa: PLW0603 - a per-process cache, a few seconds long
    cached = _jwks
    if cached is not None and time.monotonic() < cached[1]:
        return cached[0]
    keys: list[SigningKey] = published_keys()
    document = {"keys": [jws.public_jwk(kid=key.kid, x=key.public_key) for key in keys]}
    _jwks = (document, time.monotonic() + JWKS_CACHE_SECONDS)
    return document


def forget_cached() -> None:
    """Drop this process's cached JWKS and document (tests, and after a local change)."""
    global _jwks, _document  # noqa: PLW0603
    _jwks = None
    _document = None


def _current_serial() -> int:
    """The serial to serve, re-signing first when the current document is near expiry."""
    row = RevocationState.objects.filter(pk=1).values_list("serial", "expires_at").first()
    renew_within = document_ttl() / 2
    if (
        row is not None
        and row[0]
        and row[1] - timezone.now() >= renew_within
        and not revocations_awaiting_publication()
    ):
        return int(row[0])
    return revocation_document_resign(unless_valid_for=renew_within).serial


def revocation_document() -> SignedDocument:
    """The signed document for the current serial; ``Unavailable`` when nothing can sign it."""
    global _document  # noqa: PLW0603
    try:
        signer = active_signer()
    except SigningKeyUnavailable as exc:
        raise Unavailable(
            "The revocation document cannot be signed right now; /readyz says why."
        ) from exc
    serial = _current_serial()
    cached = _document
    if cached is not None and cached.serial == serial and cached.kid == signer.kid:
        return cached
    with _lock:
        state = RevocationState.objects.get(pk=1)
        payload = {
            "iss": settings.IDV_BASE_URL,
            "iat": int(state.produced_at.timestamp()),
            "exp": int(state.expires_at.timestamp()),
            "serial": state.serial,
            "tiers": state.tiers,
            "users": state.users,
            "jtis": state.jtis,
        }
        body = jws.sign_compact(
            payload, typ=jws.REVOCATIONS_TYP, kid=signer.kid, private_key=signer.private_key
        ).encode("ascii")
        document = SignedDocument(
            serial=state.serial,
            kid=signer.kid,
            payload=payload,
            body=body,
            etag='"' + hashlib.sha256(body).hexdigest()[:40] + '"',
        )
        _document = document
        return document


def metadata(base_url: str | None = None) -> dict[str, Any]:
    base = (base_url or settings.IDV_BASE_URL).rstrip("/")
    return {
        "issuer": settings.IDV_BASE_URL,
        "jwks_uri": base + reverse("jwks"),
        "token_endpoint": base + reverse("api-tokens"),
        "introspection_endpoint": base + reverse("api-introspect"),
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
        ],
        "revocation_document_endpoint": base + reverse("api-revocations"),
        "revocation_endpoint": base + reverse("api-revocations"),
        "tiers_endpoint": base + reverse("api-tiers"),
        "directive_endpoint_template": base + "/api/v1/tiers/{slug}/directive",
        "token_type": jws.TOKEN_TYP,
        "revocation_document_type": jws.REVOCATIONS_TYP,
        "token_signing_alg_values_supported": [jws.ALG],
        "token_lifetime_seconds": settings.IDV_TOKEN_LIFETIME_SECONDS,
        "max_token_lifetime_seconds": 900,
        "recommended_poll_interval_seconds": 5,
        "recommended_max_revocation_age_seconds": 60,
        "revocation_document_ttl_seconds": settings.IDV_REVOCATIONS_TTL_SECONDS,
    }
