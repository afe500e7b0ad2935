"""What verifiers read: the JWKS, the signed revocation document, the service metadata.

Every model API polls the revocation document every few seconds and the JWKS
now and then (10,000 verifiers polling every 5 s are 2,000 requests a second),
so each web process holds both as ready bytes with a strong ETag, and a
request only checks the clock (``entitlements.middleware`` answers it before
sessions, authentication and DRF).

Keeping them current, without a lock on the serving path:

- A change made in this process is counted in ``entitlements.versions`` and
  seen on the next request. Other processes look at the database at most every
  ``CHECK_SECONDS`` (revocations: the state row's serial and expiry, one
  indexed read with no lock) or ``KEYS_CHECK_SECONDS`` (the key set), and sign
  again only when the serial or the active key differs from what they hold.
- The heartbeat (``entitlements.revocations_heartbeat``) re-signs the document
  every half of its lifetime. When a look finds it has less than half left (a
  late heartbeat), a background thread re-signs it; the request serves the
  copy it holds, still valid. Only when there is no valid document at all
  (first use, or no heartbeat for a whole lifetime) does a request sign one
  itself, waiting at most ``LOCK_WAIT_MS`` for the row lock, then 503.
- People's voided tokens (``users_tokens_void``, the mass path: SCIM
  deprovisioning, an organisation suspended) are written without the row lock
  and marked as awaiting publication; the look that finds them (the same one
  indexed read) signs a new document at once, with the same bounded wait, so
  a thousand deactivations between two looks cost one document.
- When the database cannot be read, a process serves what it holds until its
  signed ``exp``; verifiers judge the copy by its signed times anyway.

Ed25519 signatures are deterministic and the JSON canonical, so every process
serves byte-identical bodies and ETags for one serial and key; during a key
rotation two processes may briefly sign one serial with two keys, each valid.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists
from django.urls import reverse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from entitlements import jws, versions
from entitlements.models import RevocationState, UserRevocation
from entitlements.services.keys import (
    JWKS_MAX_AGE,
    Signer,
    SigningKeyUnavailable,
    active_signer,
    published_keys,
)
from entitlements.services.revocations import document_ttl, revocation_document_resign
from idverify.errors import Unavailable

log = logging.getLogger("entitlements.publication")

# How often a process looks for a newer revocation document (one indexed read).
CHECK_SECONDS = 0.5
# How often it looks at the key table (a rotation publishes the next key 300 s ahead).
KEYS_CHECK_SECONDS = 5.0
# The longest a request waits for the state row's lock when it must sign a document itself.
LOCK_WAIT_MS = 200
# A document with less than this left is not served: verifiers would refuse it at once.
MIN_LEFT = timedelta(seconds=1)


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


@dataclass(frozen=True)
class SignedDocument:
    serial: int
    kid: str
    payload: dict[str, Any]
    body: bytes
    etag: str
    expires_at: int  # the signed exp, seconds since the epoch
    check_at: float = 0.0  # time.monotonic() after which to look for a newer one
    local: int = 0  # versions.local(REVOCATIONS) when it was last found current


@dataclass(frozen=True)
class KeySet:
    document: dict[str, Any]
    body: bytes  # as the JWKS view renders it
    etag: str
    check_at: float = 0.0
    local: int = 0


_document: SignedDocument | None = None
_keys: KeySet | None = None
_document_lock = threading.Lock()
_keys_lock = threading.Lock()
_resigner: threading.Thread | None = None


def forget_cached() -> None:
    """Drop this process's copies (tests, as a process that just started)."""
    global _document, _keys  # noqa: PLW0603 - per-process copies of shared documents
    _document = None
    _keys = None


# -- the key set -----------------------------------------------------------------------


def key_set() -> KeySet:
    """Next, active and retiring public keys, each pinned to EdDSA for signatures."""
    held = _keys
    current = held is not None and held.local == versions.local(versions.KEYS)
    if held is not None and current and time.monotonic() < held.check_at:
        return held
    with _keys_lock:
        return _load_keys(_keys)


def _load_keys(held: KeySet | None) -> KeySet:
    global _keys  # noqa: PLW0603
    local = versions.local(versions.KEYS)
    check_at = time.monotonic() + KEYS_CHECK_SECONDS
    try:
        keys = published_keys()
    except DatabaseError:
        if held is None:
            raise
        log.warning("key set not re-read (database unavailable); serving the copy held")
        _keys = replace(held, check_at=check_at)
        return _keys
    document = {"keys": [jws.public_jwk(kid=key.kid, x=key.public_key) for key in keys]}
    body: bytes = JSONRenderer().render(document)
    if held is not None and held.body == body:
        _keys = replace(held, check_at=check_at, local=local)
    else:
        _keys = KeySet(document, body, strong_etag(body), check_at, local)
    return _keys


def jwks() -> dict[str, Any]:
    return key_set().document


def jwks_cache_control() -> str:
    # Rotation publishes a key JWKS_MAX_AGE before it signs, so a cache this long is safe.
    # No stale-if-error: a key withdrawn in an emergency must not outlive max-age anywhere.
    return f"public, max-age={JWKS_MAX_AGE}"


# -- the revocation document -------------------------------------------------------------


def revocation_document() -> SignedDocument:
    """The current signed document; ``Unavailable`` when none can be served."""
    held = _document
    current = held is not None and held.local == versions.local(versions.REVOCATIONS)
    if held is not None and current and time.monotonic() < held.check_at:
        return held
    valid = held is not None and held.expires_at - time.time() >= MIN_LEFT.total_seconds()
    # With a valid copy, never queue behind another thread's look: serve the copy.
    if not _document_lock.acquire(blocking=not valid, timeout=-1 if valid else 5.0):
        if held is not None and valid:
            return held
        raise Unavailable("The revocation document is being signed; try again in a second.")
    try:
        return _load_document(_document)
    finally:
        _document_lock.release()


def revocations_cache_control(document: SignedDocument) -> str:
    """Shared caches keep it ``IDV_REVOCATIONS_CACHE_SECONDS`` at most, never past its exp.

    ``stale-if-error`` lets a CDN hand out its copy while the origin is down, but
    only until the signed exp: after that verifiers refuse it anyway.
    """
    left = max(0, int(document.expires_at - time.time()))
    fresh = min(settings.IDV_REVOCATIONS_CACHE_SECONDS, left)
    return f"public, max-age={fresh}, stale-if-error={left}"


def _load_document(held: SignedDocument | None) -> SignedDocument:
    global _document  # noqa: PLW0603
    try:
        # The signer first: on first use it creates the keys, a change counted below.
        signer = active_signer()
        local = versions.local(versions.REVOCATIONS)  # read before the row, as always
        row = _state()
        now = timezone.now()
        if row is None or not row[0] or row[1] - now < MIN_LEFT or row[2]:
            # Nothing valid to serve (first use, or no heartbeat for a whole lifetime),
            # or voided tokens await publication: sign now, with the bounded wait.
            _resign(wait_ms=LOCK_WAIT_MS)
            local = versions.local(versions.REVOCATIONS)  # our own change, read below
            row = _state()
        elif row[1] - now < document_ttl() / 2:
            _resign_in_background()  # the heartbeat is late; serve what is still valid
    except (DatabaseError, SigningKeyUnavailable) as error:
        if held is not None and held.expires_at - time.time() >= MIN_LEFT.total_seconds():
            log.warning("revocation document not re-read (%s); serving the copy held", error)
            _document = replace(held, check_at=time.monotonic() + CHECK_SECONDS)
            return _document
        raise Unavailable(
            "The revocation document cannot be signed right now; /readyz says why."
        ) from error
    check_at = time.monotonic() + CHECK_SECONDS
    if row is not None and held is not None and (held.serial, held.kid) == (row[0], signer.kid):
        document = replace(held, check_at=check_at, local=local)
    else:
        document = _sign(signer, check_at=check_at, local=local)
    _document = document
    return document


def _state() -> tuple[int, Any, bool] | None:
    """The serial, its expiry, and whether voided tokens await publication (one read)."""
    awaiting = Exists(UserRevocation.objects.filter(awaiting_publication=True))
    row = (
        RevocationState.objects.filter(pk=1)
        .annotate(awaiting=awaiting)
        .values_list("serial", "expires_at", "awaiting")
        .first()
    )
    return (int(row[0]), row[1], bool(row[2])) if row is not None else None


def _sign(signer: Signer, *, check_at: float, local: int) -> SignedDocument:
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
        check_at=check_at,
        local=local,
    )


def _resign(*, wait_ms: int) -> None:
    """Re-sign unless another process just did, waiting at most ``wait_ms`` for the lock.

    The bound keeps a request (or the background thread) from ever sitting in a
    lock queue: behind a long transaction, or a test's TRUNCATE, it gives up
    and the caller serves what it has. Inside a transaction that is already open
    (tests), the bound would outlive this call, so it is left out.
    """
    renew_within = document_ttl() / 2
    bounded = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if bounded:
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{int(wait_ms)}ms'")
        revocation_document_resign(unless_valid_for=renew_within)


def _resign_in_background() -> None:
    global _resigner  # noqa: PLW0603 - at most one re-signing thread per process
    if _resigner is not None and _resigner.is_alive():
        return
    _resigner = threading.Thread(target=_resign_quietly, name="idverify-resign", daemon=True)
    _resigner.start()


def _resign_quietly() -> None:
    try:
        _resign(wait_ms=LOCK_WAIT_MS)
    except Exception as error:  # the next look tries again; the copy held is still valid
        log.warning("background re-signing of the revocation document failed: %s", error)
    finally:
        connection.close()  # this thread's own connection


def wait_for_background_resign(timeout: float = 5.0) -> None:
    """Tests: let a background re-signing finish."""
    thread = _resigner
    if thread is not None:
        thread.join(timeout)


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
