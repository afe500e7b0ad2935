"""Security headers, CSRF on forms, safe start-up defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_the_security_headers(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response  # plain HTTP: no HSTS


def test_hsts_is_sent_over_tls(client: Client, settings: object) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000  # type: ignore[attr-defined]
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_every_response_has_a_request_id_and_a_sane_caller_id_is_kept(client: Client) -> None:
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    kept = client.get("/healthz", headers={"X-Request-ID": "trace-abc-123456"})
    assert kept["X-Request-ID"] == "trace-abc-123456"
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert forged["X-Request-ID"] != "<script>alert(1)</script>"


def test_forms_refuse_posts_without_a_csrf_token(owner: object) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)  # type: ignore[arg-type]
    response = client.post("/account/api-keys/", {"name": "x", "expires_in_days": "30"})
    assert response.status_code == 403


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("IDV_", "SECRET_KEY", "DATABASE_URL"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_missing_secret_key_outside_the_quick_start_stops_start_up() -> None:
    result = _start({"DATABASE_URL": "postgres://x@127.0.0.1/x"})
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def test_a_missing_database_url_outside_the_quick_start_stops_start_up() -> None:
    result = _start({"SECRET_KEY": "x" * 50, "IDV_KEY_ENCRYPTION_KEY": "A" * 43})
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr


def test_the_quick_start_starts_with_nothing_configured(tmp_path: Path) -> None:
    result = _start({"IDV_QUICKSTART": "1", "IDV_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    secret = tmp_path / "secrets" / "secret_key"
    assert secret.exists()
    assert oct(secret.stat().st_mode & 0o777) == "0o600"
