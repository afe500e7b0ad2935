"""Screening fixtures: the real list samples shipped in share/screening/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screening.services.snapshots import ImportResult, snapshot_import

DATA = Path(__file__).resolve().parents[2] / "share" / "screening"
CSL = DATA / "csl-2023-sample.csv"
DPL = DATA / "bis-dpl.txt"
OFAC = DATA / "ofac"


def ofac_subset(folder: Path, *, entries: int) -> Path:
    """The first ``entries`` SDN rows with their aliases and addresses (a small real list)."""
    folder.mkdir(parents=True, exist_ok=True)
    sdn_lines = (OFAC / "sdn.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = sdn_lines[:entries]
    numbers = {line.split(",", 1)[0] for line in kept}
    (folder / "sdn.csv").write_text("".join(kept), encoding="utf-8")
    for name in ("alt.csv", "add.csv"):
        lines = (OFAC / name).read_text(encoding="utf-8").splitlines(keepends=True)
        chosen = [line for line in lines if line.split(",", 1)[0] in numbers]
        (folder / name).write_text("".join(chosen), encoding="utf-8")
    return folder


@pytest.fixture
def csl_loaded(db: None) -> ImportResult:
    return snapshot_import(path=CSL)


@pytest.fixture
def ofac_loaded(db: None, tmp_path: Path) -> ImportResult:
    """The whole OFAC sample: every entry and alias (about 7,400 and 9,700)."""
    folder = tmp_path / "ofac"
    shutil.copytree(OFAC, folder)
    return snapshot_import(path=folder)
