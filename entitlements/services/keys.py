"""Signing keys: creation, the rotation step, and the in-process signer.

Rotation is safe by construction: a key is published as ``next`` at least one
JWKS cache lifetime before it signs anything, and a ``retiring`` key stays
published until every token it signed has expired. ``force`` skips both waits
(for a compromised key), knowingly breaking tokens and stale JWKS caches.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from entitlements import jws, versions
from entitlements.models import SigningKey
from idverify.crypto import DecryptionError, decrypt, encrypt
from idverify.errors import Conflict

PURPOSE = "entitlements.signing_key"
# Verifiers may keep the JWKS this long (its Cache-Control max-age).
JWKS_MAX_AGE = 300
# A process keeps its decrypted signer this long before looking for a newer key.
SIGNER_CACHE_SECONDS = 10.0
NEXT_MIN_AGE = timedelta(seconds=JWKS_MAX_AGE)
# Longest token lifetime, the verifiers' usual leeway and the signer cache, with margin.
RETIRE_AFTER = timedelta(seconds=900 + 60 + 60)


@dataclass(frozen=True)
class Signer:
    kid: str
    private_key: Ed25519PrivateKey


@dataclass(frozen=True)
class RotationResult:
    activated: str | None
    retiring: str | None
    retired: str | None
    next: str | None
    message: str


class SigningKeyUnavailable(Exception):
    """No active signing key, or it cannot be decrypted with the configured keys."""


def _new_key(state: str, now: datetime) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    raw_public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    x = jws.b64url(raw_public)
    return SigningKey.objects.create(
        kid=jws.okp_thumbprint(x),
        public_key=x,
        private_key_encrypted=encrypt(raw_private, purpose=PURPOSE),
        state=state,
        created_at=now,
        activated_at=now if state == SigningKey.State.ACTIVE else None,
    )


def _record(result: RotationResult, actor: User | None) -> None:
    # The key set changed, and so does the key that signs the revocation document.
    versions.changed(versions.KEYS)
    versions.changed(versions.REVOCATIONS)
    audit_record(
        action="signing_key.rotated",
        actor=actor,
        subject_type="signing_key",
        subject_id=result.activated or result.next or "",
        data={
            "activated": result.activated,
            "retiring": result.retiring,
            "retired": result.retired,
            "next": result.next,
            "message": result.message,
        },
    )


def _locked_keys() -> dict[str, list[SigningKey]]:
    by_state: dict[str, list[SigningKey]] = {state: [] for state in SigningKey.State.values}
    live = SigningKey.objects.select_for_update().exclude(state=SigningKey.State.RETIRED)
    for key in live.order_by("created_at"):
        by_state[key.state].append(key)
    return by_state


def signing_keys_rotate(
    *, actor: User | None = None, force: bool = False, now: datetime | None = None
) -> RotationResult:
    """One step: retiring -> retired, active -> retiring, next -> active, a new next.

    With no active key yet, the first step creates the active and next keys.
    """
    now = now or timezone.now()
    with transaction.atomic():
        keys = _locked_keys()
        active = keys[SigningKey.State.ACTIVE]
        nexts = keys[SigningKey.State.NEXT]
        if not active:
            first = _new_key(SigningKey.State.ACTIVE, now)
            upcoming = nexts[0] if nexts else _new_key(SigningKey.State.NEXT, now)
            result = RotationResult(
                activated=first.kid,
                retiring=None,
                retired=None,
                next=upcoming.kid,
                message="Created the first signing key and the next one.",
            )
            _record(result, actor)
            _forget_signer()
            return result
        if not nexts:
            upcoming = _new_key(SigningKey.State.NEXT, now)
            result = RotationResult(
                activated=None,
                retiring=None,
                retired=None,
                next=upcoming.kid,
                message="There was no next key; created one. Rotate again once it has been "
                f"published for {JWKS_MAX_AGE} seconds.",
            )
            _record(result, actor)
            return result
        upcoming = nexts[0]
        retiring = keys[SigningKey.State.RETIRING]
        if not force:
            _refuse_unsafe_step(upcoming, retiring, now)
        retired_kid = None
        for old in retiring:
            old.state = SigningKey.State.RETIRED
            old.retired_at = now
            # A retired key never signs again; erasing its private half makes that certain.
            old.private_key_encrypted = b""
            old.save(update_fields=["state", "retired_at", "private_key_encrypted"])
            retired_kid = old.kid
        current = active[0]
        current.state = SigningKey.State.RETIRING
        current.retiring_at = now
        current.save(update_fields=["state", "retiring_at"])
        upcoming.state = SigningKey.State.ACTIVE
        upcoming.activated_at = now
        upcoming.save(update_fields=["state", "activated_at"])
        fresh = _new_key(SigningKey.State.NEXT, now)
        result = RotationResult(
            activated=upcoming.kid,
            retiring=current.kid,
            retired=retired_kid,
            next=fresh.kid,
            message="Rotated: the next key signs now; the previous one keeps verifying.",
        )
        _record(result, actor)
    _forget_signer()
    return result


def _refuse_unsafe_step(upcoming: SigningKey, retiring: list[SigningKey], now: datetime) -> None:
    published_for = now - upcoming.created_at
    if published_for < NEXT_MIN_AGE:
        wait = int((NEXT_MIN_AGE - published_for).total_seconds()) + 1
        raise Conflict(
            f"The next key was published {int(published_for.total_seconds())} seconds ago; "
            f"verifiers may cache the key set for {JWKS_MAX_AGE} seconds. Rotate again in "
            f"{wait} seconds, or force it if the active key is compromised."
        )
    for old in retiring:
        if old.retiring_at is not None and now - old.retiring_at < RETIRE_AFTER:
            wait = int((RETIRE_AFTER - (now - old.retiring_at)).total_seconds()) + 1
            raise Conflict(
                f"Key {old.kid} still verifies tokens issued before the last rotation. "
                f"Rotate again in {wait} seconds, or force it if that key is compromised."
            )


def signing_keys_rotate_if_due(*, now: datetime | None = None) -> RotationResult | None:
    """The periodic task: create the first keys, or rotate once the active key is old enough."""
    now = now or timezone.now()
    active = SigningKey.objects.filter(state=SigningKey.State.ACTIVE).first()
    period = timedelta(days=settings.IDV_SIGNING_KEY_ROTATION_DAYS)
    if active is not None and active.activated_at and now - active.activated_at < period:
        return None
    try:
        return signing_keys_rotate(now=now)
    except Conflict:
        return None  # the next run, an hour later, tries again


def signing_keys_ensure() -> None:
    """Create the first keys when there are none (first use of a fresh installation)."""
    if SigningKey.objects.filter(state=SigningKey.State.ACTIVE).exists():
        return
    # Another process may create them at the same moment; theirs are as good.
    with contextlib.suppress(IntegrityError):
        signing_keys_rotate()


# -- the in-process signer -----------------------------------------------------------

_signer_lock = threading.Lock()
_signer: tuple[Signer, float] | None = None


def _forget_signer() -> None:
    global _signer  # noqa: PLW0603 - a per-process cache of the decrypted key
    _signer = None


def load_signer(key: SigningKey) -> Signer:
    raw = decrypt(bytes(key.private_key_encrypted), purpose=PURPOSE)
    return Signer(kid=key.kid, private_key=Ed25519PrivateKey.from_private_bytes(raw))


def active_signer() -> Signer:
    """The key that signs now, decrypted once per process and re-read every few seconds.

    Raises ``SigningKeyUnavailable`` when there is no active key or it cannot be opened.
    """
    global _signer  # noqa: PLW0603
    cached = _signer
    if cached is not None and time.monotonic() < cached[1]:
        return cached[0]
    with _signer_lock:
        key = SigningKey.objects.filter(state=SigningKey.State.ACTIVE).first()
        if key is None:
            signing_keys_ensure()
            key = SigningKey.objects.filter(state=SigningKey.State.ACTIVE).first()
        if key is None:
            raise SigningKeyUnavailable("There is no active signing key.")
        if cached is not None and cached[0].kid == key.kid:
            signer = cached[0]
        else:
            try:
                signer = load_signer(key)
            except (DecryptionError, ValueError) as exc:
                raise SigningKeyUnavailable(
                    f"The active signing key {key.kid} cannot be decrypted: {exc}"
                ) from None
        _signer = (signer, time.monotonic() + SIGNER_CACHE_SECONDS)
        return signer


def published_keys() -> list[SigningKey]:
    """The keys a verifier must know: next, active and retiring."""
    return list(SigningKey.objects.exclude(state=SigningKey.State.RETIRED).order_by("created_at"))
