"""Encryption of secrets at rest (signing keys, identity document files).

Envelope: ``b"IDV1" || key_id (8 bytes) || nonce (12 bytes) || AES-256-GCM
ciphertext+tag``. The key id is a digest of the key-encryption key, so a
blob says which key sealed it and old blobs stay readable after the operator
rotates ``IDV_KEY_ENCRYPTION_KEY`` (listing the old key in
``IDV_KEY_ENCRYPTION_KEY_PREVIOUS``). The ``purpose`` string is bound as
associated data: a blob sealed for one purpose cannot be replayed as another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

MAGIC = b"IDV1"
_KEY_ID_LEN = 8
_NONCE_LEN = 12


class DecryptionError(Exception):
    """A blob could not be opened: unknown key, wrong purpose or tampering."""


@dataclass(frozen=True)
class KeyEncryptionKey:
    key: bytes

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(b"idverify-kek-id:" + self.key).digest()[:_KEY_ID_LEN]


def parse_key(text: str) -> bytes:
    """Decode a base64 (url-safe or standard) 32-byte key; raise ValueError otherwise."""
    cleaned = text.strip()
    padded = cleaned + "=" * (-len(cleaned) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError):
        raise ValueError("not valid base64") from None
    if len(raw) != 32:
        raise ValueError(f"decodes to {len(raw)} bytes, 32 are required")
    return raw


def generate_key_text() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii").rstrip("=")


def _current() -> KeyEncryptionKey:
    return KeyEncryptionKey(parse_key(settings.IDV_KEY_ENCRYPTION_KEY))


def _all_keys() -> dict[bytes, KeyEncryptionKey]:
    keys = [_current()]
    keys += [KeyEncryptionKey(parse_key(k)) for k in settings.IDV_KEY_ENCRYPTION_KEY_PREVIOUS]
    return {k.key_id: k for k in keys}


def encrypt(plaintext: bytes, *, purpose: str) -> bytes:
    kek = _current()
    nonce = os.urandom(_NONCE_LEN)
    sealed = AESGCM(kek.key).encrypt(nonce, plaintext, purpose.encode("utf-8"))
    return MAGIC + kek.key_id + nonce + sealed


def decrypt(blob: bytes, *, purpose: str) -> bytes:
    header = len(MAGIC) + _KEY_ID_LEN + _NONCE_LEN
    if len(blob) < header + 16 or not blob.startswith(MAGIC):
        raise DecryptionError("The data is not an idverify encrypted blob.")
    key_id = blob[len(MAGIC) : len(MAGIC) + _KEY_ID_LEN]
    nonce = blob[len(MAGIC) + _KEY_ID_LEN : header]
    kek = _all_keys().get(bytes(key_id))
    if kek is None:
        raise DecryptionError(
            "The data was encrypted under a key-encryption key that is not configured."
        )
    try:
        return AESGCM(kek.key).decrypt(nonce, bytes(blob[header:]), purpose.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError(
            "The data failed authentication (tampered or wrong purpose)."
        ) from None


def needs_reencryption(blob: bytes) -> bool:
    """True when the blob was sealed under a previous key-encryption key."""
    return bytes(blob[len(MAGIC) : len(MAGIC) + _KEY_ID_LEN]) != _current().key_id
