"""Security headers, CSRF on forms, safe start-up defaults."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import get_hasher, make_password
from django.http.multipartparser import MultiPartParser
from django.test import Client

from accounts.models import ApiKey, User
from tests.support.api import assert_api_error
from tests.support.factories import production_password_hashing
from tests.support.people import sign_in_with_second_factor

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


def test_forms_refuse_posts_without_a_csrf_token(owner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in_with_second_factor(client, owner)
    response = client.post("/account/api-keys/", {"name": "x", "expires_in_days": "30"})
    assert response.status_code == 403
    assert not ApiKey.objects.filter(user=owner).exists()


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


@pytest.mark.django_db
def test_an_oversized_body_is_refused_before_anything_reads_it(
    owner: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Django's CSRF check reads request.POST, which spools a multipart body of any
    # size to disk; the cap answers from the declared length, before that.
    settings.IDV_MAX_REQUEST_BYTES = 2 * 1024 * 1024

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the body was parsed")

    monkeypatch.setattr(MultiPartParser, "parse", never)
    client = Client(enforce_csrf_checks=True)
    sign_in_with_second_factor(client, owner)
    upload = io.BytesIO(b"\xff" * (3 * 1024 * 1024))
    upload.name = "passport.jpg"
    page = client.post("/documents/", {"document_type": "us_passport", "file": upload})
    assert page.status_code == 413
    assert "That upload is too large" in page.content.decode()
    assert "at most 2.0 MB" in page.content.decode()
    upload.seek(0)
    api = client.post("/api/v1/documents", {"document_type": "us_passport", "file": upload})
    error = assert_api_error(api, 413, "request_too_large")
    assert "at most 2.0 MB" in error["message"]


@pytest.mark.django_db
def test_a_body_within_the_cap_reaches_the_view(owner: User, settings: Any) -> None:
    settings.IDV_MAX_REQUEST_BYTES = 2 * 1024 * 1024
    client = Client()
    sign_in_with_second_factor(client, owner)
    response = client.post("/account/api-keys/", {"name": "ci", "expires_in_days": "30"})
    # The view ran: the key exists and this response (the only one) shows it.
    assert response.status_code == 200
    key = ApiKey.objects.get(user=owner, name="ci")
    assert key.prefix in response.content.decode()


def test_the_project_hashes_passwords_slowly_whatever_the_tests_use() -> None:
    """The tests hash with MD5 (tests/conftest.py); the project itself must not."""
    with production_password_hashing():
        hasher = get_hasher()
        encoded = make_password("correct-horse-battery-staple")
    assert hasher.algorithm in {"argon2", "pbkdf2_sha256", "scrypt"}
    if hasher.algorithm == "pbkdf2_sha256":
        # OWASP's floor for PBKDF2-HMAC-SHA256 is 600,000 iterations.
        assert int(encoded.split("$")[1]) >= 600_000
    assert get_hasher().algorithm == "md5"
