"""Versioned declaration texts, shipped as files: one way for every declaration.

Each app that asks people to sign something keeps its texts in a package of
``<version>.txt`` files. A published text is never edited: a change is a new file
with a new version, so every stored SHA-256 keeps matching the words that were
signed. Versions sort by name, so the newest is the greatest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Declaration:
    version: str
    text: str

    @property
    def sha256(self) -> str:
        return sha256_of(self.text)


class ShippedDeclarations:
    """The ``<version>.txt`` files beside ``package_file`` (a package's ``__file__``)."""

    def __init__(self, package_file: str) -> None:
        self.directory = Path(package_file).resolve().parent

    def get(self, version: str) -> Declaration:
        path = self.directory / f"{version}.txt"
        return Declaration(version=version, text=path.read_text(encoding="utf-8"))

    def latest(self) -> Declaration:
        return self.get(max(path.stem for path in self.directory.glob("*.txt")))
