"""Declaration texts: one way of shipping them, and a published text is never edited.

Every signature and attestation stores the SHA-256 of the words it was given
under, so a text, once shipped, must hash the same forever. A new wording is a
new file, which must be pinned here too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts import declarations as organization_declarations
from attestations import declarations as person_declarations
from idverify.declarations import Declaration, ShippedDeclarations, sha256_of

PUBLISHED = {
    ("accounts", "org-2026-12"): "cea7ef163bcb639cc8421562183c3faecb6b2a53bf22e656c836db8572ffaeb2",
    ("attestations", "2026-11"): "d05f85a50c32f093287804405b2bd5af38cf07643f8282abbd880aca76c78cee",
}
SHIPPED = {
    "accounts": organization_declarations.SHIPPED,
    "attestations": person_declarations.SHIPPED,
}


@pytest.mark.parametrize(("app", "version"), sorted(PUBLISHED))
def test_a_published_text_still_hashes_as_it_was_signed(app: str, version: str) -> None:
    declaration = SHIPPED[app].get(version)

    assert declaration.sha256 == PUBLISHED[(app, version)]


def test_every_shipped_text_is_pinned() -> None:
    shipped = {
        (app, path.stem) for app, texts in SHIPPED.items() for path in texts.directory.glob("*.txt")
    }

    assert shipped == set(PUBLISHED)


def test_current_is_the_newest_version() -> None:
    newest = organization_declarations.SHIPPED.get("org-2026-12")

    assert newest == organization_declarations.CURRENT


def test_the_newest_version_sorts_last(tmp_path: Path) -> None:
    (tmp_path / "2026-11.txt").write_text("old words", encoding="utf-8")
    (tmp_path / "2027-02.txt").write_text("new words\n", encoding="utf-8")
    texts = ShippedDeclarations(str(tmp_path / "__init__.py"))

    assert texts.latest() == Declaration(version="2027-02", text="new words\n")
    assert texts.latest().sha256 == sha256_of("new words\n")
