"""The audit key: a secret from the environment that the database never holds.

From ``IDV_AUDIT_SEAL_KEY`` (32 random bytes, base64) HKDF-SHA256 (RFC 5869)
derives two keys: the HMAC key with which writers vouch for each event, and
the seed of the Ed25519 key (RFC 8032) that signs each seal. The public half
names the key (its RFC 7638 thumbprint, ``kid``) and may be published: anyone
holding it can check a signed head or a seal without the secret.

Earlier keys stay trusted for verification: ``IDV_AUDIT_SEAL_KEY_PREVIOUS``
(secrets, while processes that still write under them run) and
``IDV_AUDIT_SEAL_PUBLIC_KEYS`` (only the public halves, for the seals they
signed, once the old secret is destroyed).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from idverify.crypto import parse_key

_MAC_INFO = b"idverify audit event mac v1"
_SIGNING_INFO = b"idverify audit seal signing v1"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not valid base64url") from None


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def thumbprint(public: Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint of the key as an OKP JWK: the members, sorted, no spaces."""
    members = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": b64url(_raw_public(public))}, separators=(",", ":")
    )
    return b64url(hashlib.sha256(members.encode("ascii")).digest())


@dataclass(frozen=True)
class AuditKey:
    kid: str
    mac_key: bytes
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()


def _derive(info: bytes, secret: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


@lru_cache(maxsize=16)
def derive(secret_text: str) -> AuditKey:
    """The key pair and MAC key of one secret; ValueError when it is not 32 bytes of base64."""
    secret = parse_key(secret_text)
    private = Ed25519PrivateKey.from_private_bytes(_derive(_SIGNING_INFO, secret))
    return AuditKey(
        kid=thumbprint(private.public_key()),
        mac_key=_derive(_MAC_INFO, secret),
        private_key=private,
    )


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A raw Ed25519 public key, base64url (a JWK's ``x``); ValueError otherwise."""
    raw = b64url_decode(text.strip())
    if len(raw) != 32:
        raise ValueError(f"decodes to {len(raw)} bytes, an Ed25519 public key has 32")
    return Ed25519PublicKey.from_public_bytes(raw)


def current() -> AuditKey:
    """The key this process MACs and signs with."""
    return derive(settings.IDV_AUDIT_SEAL_KEY)


def mac_keys() -> dict[str, bytes]:
    """Every MAC key an event may carry here: the current one and the previous ones."""
    keys = [current(), *(derive(text) for text in settings.IDV_AUDIT_SEAL_KEY_PREVIOUS)]
    return {key.kid: key.mac_key for key in keys}


def trusted_public_keys() -> dict[str, Ed25519PublicKey]:
    """Every key whose signature on a seal or head counts, by kid."""
    publics = [current().public_key]
    publics += [derive(text).public_key for text in settings.IDV_AUDIT_SEAL_KEY_PREVIOUS]
    publics += [parse_public_key(text) for text in settings.IDV_AUDIT_SEAL_PUBLIC_KEYS]
    return {thumbprint(public): public for public in publics}


def sign(statement: bytes) -> tuple[str, str]:
    """(kid, base64url signature) of the statement under the current key."""
    key = current()
    return key.kid, b64url(key.private_key.sign(statement))


def signature_valid(
    *, keys: dict[str, Ed25519PublicKey], kid: str, signature: str, statement: bytes
) -> bool:
    """Whether ``signature`` is ``kid``'s over ``statement``, ``kid`` one of ``keys``."""
    public = keys.get(kid)
    if public is None:
        return False
    try:
        public.verify(b64url_decode(signature), statement)
    except (InvalidSignature, ValueError):
        return False
    return True


def public_jwks() -> dict[str, list[dict[str, str]]]:
    """The trusted keys as a JWK Set (RFC 7517, OKP keys per RFC 8037), current key first."""
    return {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64url(_raw_public(public)),
                "kid": kid,
                "alg": "EdDSA",
                "use": "sig",
            }
            for kid, public in trusted_public_keys().items()
        ]
    }
