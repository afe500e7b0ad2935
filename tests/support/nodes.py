"""Production-shaped processes for tests and benches: a throwaway PostgreSQL server and
gunicorn web nodes with the production settings.

``PostgresServer`` runs initdb and pg_ctl in a temporary directory, on a free port
(as the postgres user when run as root, as scripts/test-database.sh does), so a
test may stop and start it under load. ``WebNode`` runs the Procfile's ``web``
command with an environment built by ``node_env``. ``prepare`` migrates a
database and creates the people, keys and tier the tests use, in a subprocess
with the nodes' environment (``tests.support.node_fixtures``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
US_ADDRESS = "192.0.2.1"  # United States in the demo GeoIP databases


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bindir() -> Path:
    found = shutil.which("pg_ctl")
    candidates = [Path(found).parent] if found else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    raise RuntimeError("initdb and pg_ctl are not installed (Debian: postgresql)")


class PostgresServer:
    """A PostgreSQL server of its own, in a temporary directory, that a test may stop."""

    def __init__(self) -> None:
        self.bindir = _pg_bindir()
        # Not under pytest's tmp_path: the postgres user must be able to reach it.
        self.directory = Path(tempfile.mkdtemp(prefix="idverify-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self._runner: list[str] = []
        if os.geteuid() == 0:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "postgres"],  # noqa: S607
                check=False,
                capture_output=True,
            )
            shutil.chown(self.directory, user="postgres")
            self._runner = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-N")

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(  # noqa: S603 - PostgreSQL's own programs, our arguments
            [*self._runner, str(self.bindir / program), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories="
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass(frozen=True)
class Secrets:
    """What every node of one installation shares."""

    secret_key: str
    key_encryption_key: str
    audit_seal_key: str

    @classmethod
    def new(cls) -> Secrets:
        return cls(
            secret_key=secrets.token_urlsafe(48),
            key_encryption_key=secrets.token_urlsafe(32)[:43],
            audit_seal_key=secrets.token_urlsafe(32)[:43],
        )


def node_env(
    *,
    database_url: str,
    cache_url: str,
    base_url: str,
    var_dir: Path,
    shared: Secrets,
    broker_url: str | None = None,
) -> dict[str, str]:
    """The environment of one production node (README's configuration table)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("IDV_", "CELERY_", "DB_")) and key not in ("DATABASE_URL",)
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "CACHE_URL": cache_url,
            "SECRET_KEY": shared.secret_key,
            "IDV_KEY_ENCRYPTION_KEY": shared.key_encryption_key,
            "IDV_AUDIT_SEAL_KEY": shared.audit_seal_key,
            "IDV_BASE_URL": base_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "IDV_VAR_DIR": str(var_dir),
            "STATIC_ROOT": str(var_dir / "static"),
            "IDV_TRUSTED_PROXIES": "127.0.0.1/32",
            "IDV_GEOIP_CITY_DB": str(var_dir / "geoip" / "demo-city.mmdb"),
            "IDV_GEOIP_ANONYMOUS_DB": str(var_dir / "geoip" / "demo-anonymous-ip.mmdb"),
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "idverify.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "verifier" / "src")]),
        }
    )
    if broker_url is not None:
        env["CELERY_BROKER_URL"] = broker_url
    return env


@dataclass(frozen=True)
class Fixtures:
    person_email: str
    person_password: str
    person_key: str
    officer_key: str
    session: str
    tier: str


def prepare(env: dict[str, str]) -> Fixtures:
    """Migrate the nodes' database and create the tests' people, keys and tier."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.node_fixtures"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"node fixtures failed:\n{done.stdout}\n{done.stderr}")
    return Fixtures(**json.loads(done.stdout.strip().splitlines()[-1]))


class WebNode:
    """A web node: gunicorn serving the project, as the Procfile's ``web`` line says."""

    def __init__(self, env: dict[str, str], *, port: int, workers: int = 2, threads: int = 4):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._log: IO[bytes] = tempfile.NamedTemporaryFile(prefix="idverify-web-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - the Procfile's web command
            web_command(port=port, workers=workers, threads=threads),
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_until_serving()

    def wait_until_serving(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the web node exited:\n{self.log()}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2),  # noqa: S310
            ):
                return
            time.sleep(0.2)
        raise RuntimeError(f"the web node did not answer in {timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return Path(self._log.name).read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def web_command(*, port: int, workers: int, threads: int) -> list[str]:
    return [
        str(VENV_BIN / "gunicorn"),
        "idverify.wsgi:application",
        "--config",
        "idverify/gunicorn_config.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]


def request(
    method: str, url: str, *, headers: dict[str, str] | None = None, body: Any = None
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request; the status, headers and body whatever the status."""
    data = json.dumps(body).encode() if body is not None else None
    sent = {"Content-Type": "application/json", **(headers or {})} if data else dict(headers or {})
    req = urllib.request.Request(url, data=data, headers=sent, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=15) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
