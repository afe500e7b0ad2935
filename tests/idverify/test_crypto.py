from __future__ import annotations

import pytest
from django.test import override_settings

from idverify import crypto


def test_a_sealed_blob_opens_only_for_its_purpose() -> None:
    blob = crypto.encrypt(b"private key bytes", purpose="signing-key")
    assert b"private key bytes" not in blob
    assert crypto.decrypt(blob, purpose="signing-key") == b"private key bytes"
    with pytest.raises(crypto.DecryptionError, match="failed authentication"):
        crypto.decrypt(blob, purpose="document-file")


def test_tampering_is_detected() -> None:
    blob = bytearray(crypto.encrypt(b"x" * 64, purpose="p"))
    blob[-1] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(bytes(blob), purpose="p")
    with pytest.raises(crypto.DecryptionError, match="not an idverify encrypted blob"):
        crypto.decrypt(b"garbage", purpose="p")


def test_blobs_stay_readable_after_rotating_the_key_encryption_key(settings: object) -> None:
    old_key = settings.IDV_KEY_ENCRYPTION_KEY  # type: ignore[attr-defined]
    blob = crypto.encrypt(b"secret", purpose="p")
    new_key = crypto.generate_key_text()
    with override_settings(
        IDV_KEY_ENCRYPTION_KEY=new_key, IDV_KEY_ENCRYPTION_KEY_PREVIOUS=[old_key]
    ):
        assert crypto.decrypt(blob, purpose="p") == b"secret"
        assert crypto.needs_reencryption(blob)
    with (
        override_settings(IDV_KEY_ENCRYPTION_KEY=new_key, IDV_KEY_ENCRYPTION_KEY_PREVIOUS=[]),
        pytest.raises(crypto.DecryptionError, match="not configured"),
    ):
        crypto.decrypt(blob, purpose="p")
