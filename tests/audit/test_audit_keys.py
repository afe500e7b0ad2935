"""The audit key lives outside the database, is checked at start-up, and can be rotated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from audit import keys
from audit.checks import check_audit_keys
from audit.selectors import audit_verify
from audit.services import audit_record, audit_seal_all

ROOT = Path(__file__).resolve().parents[2]
OTHER_KEY = "c" * 43


def _manage_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("IDV_", "SECRET_KEY", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_an_audit_key_production_does_not_start() -> None:
    result = _manage_check(
        {
            "SECRET_KEY": "x" * 50,
            "IDV_KEY_ENCRYPTION_KEY": "A" * 43,
            "DATABASE_URL": "postgres://x@127.0.0.1/x",
        }
    )
    assert result.returncode != 0
    assert "IDV_AUDIT_SEAL_KEY (or IDV_AUDIT_SEAL_KEY_FILE) must be set" in result.stderr


def test_the_quick_start_generates_its_own_audit_key(tmp_path: Path) -> None:
    result = _manage_check({"IDV_QUICKSTART": "1", "IDV_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    secret = tmp_path / "secrets" / "audit_seal_key"
    assert oct(secret.stat().st_mode & 0o777) == "0o600"
    assert secret.read_text().strip() != (tmp_path / "secrets" / "key_encryption_key").read_text()


@pytest.mark.parametrize(
    ("setting", "value", "check_id"),
    [
        ("IDV_AUDIT_SEAL_KEY", "too-short", "audit.E001"),
        ("IDV_AUDIT_SEAL_KEY", django_settings.IDV_KEY_ENCRYPTION_KEY, "audit.E002"),
        ("IDV_AUDIT_SEAL_KEY_PREVIOUS", ["not base64!"], "audit.E003"),
        ("IDV_AUDIT_SEAL_PUBLIC_KEYS", ["AAAA"], "audit.E004"),
    ],
)
def test_an_unusable_audit_key_setting_is_a_named_error(
    settings: Any, setting: str, value: object, check_id: str
) -> None:
    assert check_audit_keys(None) == []
    setattr(settings, setting, value)
    assert [error.id for error in check_audit_keys(None)] == [check_id]


def test_one_secret_always_gives_the_same_key_and_another_secret_another() -> None:
    first = keys.derive(django_settings.IDV_AUDIT_SEAL_KEY)
    assert keys.current() == first
    assert keys.derive(OTHER_KEY).kid != first.kid
    assert keys.derive(OTHER_KEY).mac_key != first.mac_key


@pytest.mark.django_db
def test_after_a_rotation_old_seals_verify_by_their_public_key_alone(settings: Any) -> None:
    old_secret = settings.IDV_AUDIT_SEAL_KEY
    old_public = keys.public_jwks()["keys"][0]["x"]
    audit_record(action="test.before", actor=None)
    audit_seal_all()
    written_under_old_key = audit_record(action="test.in_flight", actor=None)

    # 1. New key; the old secret stays for events still in flight.
    settings.IDV_AUDIT_SEAL_KEY = OTHER_KEY
    settings.IDV_AUDIT_SEAL_KEY_PREVIOUS = [old_secret]
    audit_record(action="test.after", actor=None)
    audit_seal_all()
    written_under_old_key.refresh_from_db()
    assert written_under_old_key.seal is not None
    assert written_under_old_key.seal.key_id == keys.current().kid
    assert audit_verify().ok

    # 2. The old secret destroyed; its public half still vouches for what it signed.
    settings.IDV_AUDIT_SEAL_KEY_PREVIOUS = []
    assert not audit_verify().ok
    settings.IDV_AUDIT_SEAL_PUBLIC_KEYS = [old_public]
    report = audit_verify()
    assert report.ok, report.problems
    assert report.seals_checked == 2
