"""The declaration texts this release ships, one file per version (``<version>.txt``).

A published text is never edited: a change is a new file with a new version,
so every attestation's stored SHA-256 keeps matching the words it was signed on.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
FIRST_VERSION = "2026-11"


def shipped_text(version: str) -> str:
    return (DIRECTORY / f"{version}.txt").read_text(encoding="utf-8")


def latest_shipped_version() -> str:
    return max(path.stem for path in DIRECTORY.glob("*.txt"))


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
