"""The README's configuration table lists every variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_documented() -> None:
    settings_source = "\n".join(
        path.read_text() for path in sorted((ROOT / "idverify" / "settings").glob("*.py"))
    )
    read = set(re.findall(r'env_\w+\(\s*"([A-Z0-9_]+)"', settings_source))
    assert read, "no env_* calls found: the settings reader changed"
    table = (ROOT / "README.md").read_text().split("## Configuration", 1)[1]
    missing = sorted(name for name in read if f"`{name}`" not in table)
    assert not missing, f"Not in the README's configuration table: {missing}"


def test_the_readme_starts_with_the_two_commands() -> None:
    head = "\n".join((ROOT / "README.md").read_text().splitlines()[:30])
    assert "make run" in head
    assert "make test" in head
