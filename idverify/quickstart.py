"""Secrets for the quick start, generated once and kept in the var/ directory.

Only used when ``IDV_QUICKSTART=1``: a production deployment must be given its
secrets explicitly (settings refuse to start otherwise).
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


def quickstart_secret(var_dir: Path, name: str, *, kind: str = "token") -> str:
    path = var_dir / "secrets" / name
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = (
        base64.urlsafe_b64encode(os.urandom(32)).decode("ascii").rstrip("=")
        if kind == "aes256"
        else secrets.token_urlsafe(50)
    )
    # O_EXCL: if two processes start at once, the loser reads the winner's value.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value
