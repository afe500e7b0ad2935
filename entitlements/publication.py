"""What verifiers read: the JWKS, the signed revocation document, the service metadata.

Every model API polls the revocation document every few seconds and the JWKS
now and then, so both are served from bytes made ready in advance: each web
process holds the current signed document and the current key set, with
their ETags, and a request only checks that they are still current.

"Still current" is one read of a counter in the shared cache
(``entitlements.versions``), which every change bumps after it commits, plus
the clock: the revocation document is looked up in the database again once it
has less than half its lifetime left, and re-signed there if nobody has done
it yet (under the state row's lock, so by one process; the heartbeat normally
does it first). The key set is looked up again every ``KEYS_RECHECK_SECONDS``
regardless of the counter. Without the shared cache every request goes to the
database, as before this existed.

Ed25519 signatures are deterministic and the JSON is canonical, so every
process serves byte-identical bodies and the same strong ETags for one serial
or key set; a CDN or a verifier may revalidate against any node.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from entitlements import jws, versions
from entitlements.models import RevocationState, SigningKey
from entitlements.services.keys import (
    JWKS_MAX_AGE,
    Signer,
    SigningKeyUnavailable,
    active_signer,
    published_keys,
)
from entitlements.services.revocations import document_ttl, revocation_document_resign
from idverify.db_outage import is_database_outage, outage
from idverify.errors import Unavailable

# A process looks at the key table at least this often, whatever the shared counter says.
KEYS_RECHECK_SECONDS = 5.0
# While the database is unreachable, how often a process tries it again for these.
RETRY_SECONDS = 1.0


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


@dataclass(frozen=True)
class SignedDocument:
    serial: int
    kid: str
    payload: dict[str, Any]
    body: bytes
    etag: str
    # The signed exp (seconds since the epoch), and when to look for a newer copy.
    expires_at: int
    renew_at: float
    version: versions.Version


@dataclass(frozen=True)
class KeySet:
    document: dict[str, Any]
    body: bytes
    etag: str
    recheck_at: float
    version: versions.Version


_lock = threading.Lock()
_document: SignedDocument | None = None
_keys: KeySet | None = None


def forget_cached() -> None:
    """Drop this process's copies (tests, as a process that just started)."""
    global _document, _keys  # noqa: PLW0603 - per-process copies of shared documents
    _document = None
    _keys = None


# -- the key set -----------------------------------------------------------------------


def key_set() -> KeySet:
    """Next, active and retiring public keys, each pinned to EdDSA for signatures."""
    global _keys  # noqa: PLW0603
    version = versions.current(versions.KEYS)
    held = _keys
    if held is not None and held.version.same_as(version) and time.monotonic() < held.recheck_at:
        return held
    try:
        return _load_keys(version, held)
    except Exception as error:
        if held is None or not is_database_outage(error):
            raise
        # Keys do not expire: the copy held stays good while the database is away.
        outage.failed(error)
        _keys = replace(held, recheck_at=time.monotonic() + RETRY_SECONDS)
        return held


def _load_keys(version: versions.Version, held: KeySet | None) -> KeySet:
    global _keys  # noqa: PLW0603
    if version.shared is None:  # no counter yet (first use, a flushed cache): make one
        versions.begin(versions.KEYS)
        version = versions.current(versions.KEYS)  # read before the table, as above
    keys: list[SigningKey] = published_keys()
    document = {"keys": [jws.public_jwk(kid=key.kid, x=key.public_key) for key in keys]}
    body = jws.canonical_json(document)
    if held is not None and held.body == body:
        loaded = KeySet(held.document, held.body, held.etag, _keys_recheck_at(), version)
    else:
        loaded = KeySet(document, body, strong_etag(body), _keys_recheck_at(), version)
    _keys = loaded
    return loaded


def _keys_recheck_at() -> float:
    return time.monotonic() + KEYS_RECHECK_SECONDS


def jwks() -> dict[str, Any]:
    return key_set().document


def jwks_cache_control() -> str:
    # Rotation publishes a key JWKS_MAX_AGE before it signs, so a cache this long is safe.
    return f"public, max-age={JWKS_MAX_AGE}"


# -- the revocation document -------------------------------------------------------------


def revocation_document() -> SignedDocument:
    """The current signed document; ``Unavailable`` when nothing can sign it."""
    global _document  # noqa: PLW0603
    version = versions.current(versions.REVOCATIONS)
    held = _document
    if held is not None and held.version.same_as(version) and time.time() < held.renew_at:
        return held
    try:
        return _load_document(version)
    except Exception as error:
        if held is None or not is_database_outage(error) or time.time() >= held.expires_at:
            raise
        # The database is away: the copy held is still inside its signed exp, so it is
        # still the truth for verifiers; try the database again in a moment.
        outage.failed(error)
        _document = replace(held, renew_at=time.time() + RETRY_SECONDS)
        return held


def revocations_cache_control(document: SignedDocument) -> str:
    """Shared caches may keep it ``IDV_REVOCATIONS_CACHE_SECONDS``, never past its exp."""
    left = int(document.expires_at - time.time())
    return f"public, max-age={max(0, min(settings.IDV_REVOCATIONS_CACHE_SECONDS, left))}"


def _load_document(version: versions.Version) -> SignedDocument:
    global _document  # noqa: PLW0603
    if version.shared is None:  # no counter yet (first use, a flushed cache): make one
        versions.begin(versions.REVOCATIONS)
        # Read before the table: a change committed after this read moves the counter
        # again, so the copy made below is never taken for newer than it is.
        version = versions.current(versions.REVOCATIONS)
    try:
        signer = active_signer()
    except SigningKeyUnavailable as exc:
        raise Unavailable(
            "The revocation document cannot be signed right now; /readyz says why."
        ) from exc
    renew_within = document_ttl() / 2
    row = RevocationState.objects.filter(pk=1).values_list("serial", "expires_at").first()
    if row is None or not row[0] or row[1] - timezone.now() < renew_within:
        # Near its expiry (or never produced): re-sign, unless another process just did.
        state = revocation_document_resign(unless_valid_for=renew_within)
        row = (state.serial, state.expires_at)
    held = _document
    if held is not None and held.serial == row[0] and held.kid == signer.kid:
        # Unchanged: remember that it is current at this version, until its renewal time.
        renew_at = (row[1] - renew_within).timestamp()
        document = replace(held, renew_at=renew_at, version=version)
    else:
        document = _sign(signer, version)
    with _lock:
        newest = _document
        if newest is not None and newest.serial > document.serial:
            return newest  # another thread loaded a later one meanwhile; never go back
        _document = document
    return document


def _sign(signer: Signer, version: versions.Version) -> SignedDocument:
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
    return SignedDocument(
        serial=state.serial,
        kid=signer.kid,
        payload=payload,
        body=body,
        etag=strong_etag(body),
        expires_at=payload["exp"],
        renew_at=(state.expires_at - document_ttl() / 2).timestamp(),
        version=version,
    )


# -- metadata -----------------------------------------------------------------------------


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
