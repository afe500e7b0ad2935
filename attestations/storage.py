"""Document files at rest: AES-GCM sealed, under random names, outside every public URL.

Files live in ``MEDIA_ROOT/documents/``; nothing serves MEDIA_ROOT. The only way
to a file is the view that checks who is asking and decrypts it. The purpose
bound into each blob names its document, so one person's file cannot be
swapped in for another's.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

from idverify import crypto

_DIRECTORY = "documents"


def _path(name: str) -> Path:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"not a stored document file name: {name!r}")
    return Path(settings.MEDIA_ROOT) / _DIRECTORY / name


def purpose_for(document_public_id: object) -> str:
    return f"document-file:{document_public_id}"


def sealed_file_write(*, data: bytes, purpose: str) -> str:
    """Encrypt and store; returns the random file name to keep on the record."""
    directory = Path(settings.MEDIA_ROOT) / _DIRECTORY
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_hex(16)}.idv"
    fd = os.open(_path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(crypto.encrypt(data, purpose=purpose))
    return name


def sealed_file_read(*, name: str, purpose: str) -> bytes:
    return crypto.decrypt(_path(name).read_bytes(), purpose=purpose)


def sealed_file_delete(*, name: str) -> bool:
    """Remove the file; True if it was there."""
    try:
        _path(name).unlink()
    except FileNotFoundError:
        return False
    return True
