"""manage.py in a quick-start checkout and outside one, as a person runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A clean environment, as in a fresh terminal: none of the test run's settings.
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}  # noqa: S108
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _write_quickstart_env(var_dir: Path, base_url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "idverify.quickstart"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "IDV_QUICKSTART": "1",
            "IDV_BASE_URL": base_url,
            "IDV_VAR_DIR": str(var_dir),
        },
        check=True,
        capture_output=True,
    )


def test_a_command_in_a_quick_start_checkout_uses_the_quick_starts_settings(
    tmp_path: Path,
) -> None:
    _write_quickstart_env(tmp_path, "http://127.0.0.1:8765")
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.IDV_BASE_URL, settings.DATABASES['default']['ENGINE'])",
        env={"IDV_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:8765 django.db.backends.sqlite3" in result.stdout
    assert "quickstart.env" in result.stderr  # it says where its settings came from


def test_a_configured_database_wins_over_the_quick_starts_file(tmp_path: Path) -> None:
    _write_quickstart_env(tmp_path, "http://127.0.0.1:8765")
    result = _manage(
        "check",
        env={"IDV_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
    )
    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr
    assert "quickstart.env" not in result.stderr


def test_a_missing_setting_is_one_line_and_exit_status_1_not_a_traceback(
    tmp_path: Path,
) -> None:
    result = _manage("create_api_key", "someone@example.com", env={"IDV_VAR_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("manage.py: SECRET_KEY (or SECRET_KEY_FILE) must be set.")


def test_a_malformed_setting_names_the_variable(tmp_path: Path) -> None:
    result = _manage(
        "check",
        env={"IDV_VAR_DIR": str(tmp_path), "IDV_QUICKSTART": "maybe"},
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "manage.py: IDV_QUICKSTART='maybe' is not a boolean; use true/false, 1/0 or yes/no."
    )
