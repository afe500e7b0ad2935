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


def _tracked_text_files() -> list[Path]:
    import subprocess

    listed = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607 - git on PATH, fixed arguments
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    suffixes = {".py", ".md", ".html", ".txt", ".sh", ".toml", ".js", ".css", ""}
    paths = [ROOT / name for name in listed.split("\0") if name]
    return [p for p in paths if p.suffix in suffixes and p.is_file() and not p.is_symlink()]


def test_the_repository_cites_no_document_outside_it() -> None:
    # "DESIGN" and "shared" spelled apart so this file does not cite them itself.
    outside = ("DESIGN" + ".md", "shared" + "/data", "shared" + "/DOMAIN")
    citing = sorted(
        str(path.relative_to(ROOT))
        for path in _tracked_text_files()
        if any(name in path.read_text(encoding="utf-8", errors="replace") for name in outside)
    )
    assert not citing, f"these cite documents the repository does not hold: {citing}"


def test_links_between_the_docs_lead_somewhere() -> None:
    broken = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if "://" in target:
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert not broken, broken
