"""A real OpenID provider for the tests: django-oauth-toolkit with OIDC on, in its own
Django project (tests/sso/oidc_provider), served by ``runserver`` in a subprocess on a
free port with its own SQLite database and an RSA key made at test time."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class OidcProvider:
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/o"

    def start(self, directory: Path, users: list[list[str]], apps: list[list[str]]) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        env = {
            **os.environ,
            "OIDC_PROVIDER_DB": str(directory / "provider.sqlite3"),
            "OIDC_PROVIDER_KEY": key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode("ascii"),
            "DJANGO_SETTINGS_MODULE": "tests.sso.oidc_provider.settings",
            "PYTHONPATH": str(ROOT),
        }
        spec = json.dumps({"users": users, "apps": apps})
        subprocess.run(  # noqa: S603 - this interpreter, this repository's module
            [sys.executable, "-m", "tests.sso.oidc_provider.setup", spec],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
        )
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, Django's runserver
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                found = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=2)
                if found.status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("The test OpenID provider did not start.")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
