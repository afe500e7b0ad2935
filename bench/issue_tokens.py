"""Token issuance under load: POST /api/v1/tokens against a trivial authenticated endpoint.

    .venv/bin/python bench/issue_tokens.py [--clients 32] [--seconds 10] [--rounds 2]

Starts its own PostgreSQL database (``idverify_bench`` on DATABASE_URL's server,
default postgres@127.0.0.1:5432, dropped and recreated), migrates it, creates one
verified person per client with their own API key, and serves the project with
gunicorn (gthread workers). Each client is an asyncio coroutine holding one
keep-alive connection and sending requests back to back (a closed loop). The
baseline is GET /api/v1/me on the same server: authenticated, one query more
than nothing. Requests arrive through a trusted proxy with X-Forwarded-For set
to a U.S. address of the demo GeoIP database, so every decision does a real
lookup. Endpoints run interleaved, round after round; each keeps its best round.

Targets: tokens >= 50% of the baseline's requests/s, and token p99 < 50 ms.
Uses only the project's own dependencies (the client is the standard library).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
US_ADDRESS = "192.0.2.1"
# Its own name per checkout when several benchmarks share one server (BENCH_DB).
BENCH_DB = os.environ.get("BENCH_DB", "idverify_bench")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(port: int, var_dir: Path) -> dict[str, str]:
    base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    return {
        **os.environ,
        "DATABASE_URL": f"{base}/{BENCH_DB}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "IDV_KEY_ENCRYPTION_KEY": secrets.token_urlsafe(32)[:43],
        "IDV_AUDIT_SEAL_KEY": secrets.token_urlsafe(32)[:43],
        "IDV_BASE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "IDV_VAR_DIR": str(var_dir),
        "IDV_TRUSTED_PROXIES": "127.0.0.1/32",
        "IDV_GEOIP_CITY_DB": str(var_dir / "geoip" / "demo-city.mmdb"),
        "IDV_GEOIP_ANONYMOUS_DB": str(var_dir / "geoip" / "demo-anonymous-ip.mmdb"),
        # Measure the work, not the rate limiter: one person per client, many requests each.
        "IDV_THROTTLE_USER": "1000000/min",
        "IDV_AUTH_FAILURES_PER_MINUTE": "1000000",
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "600",
    }


def recreate_database(env: dict[str, str]) -> None:
    import psycopg

    admin_url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "idverify.settings"
    import django

    django.setup()


@dataclass
class Fixtures:
    person_keys: list[str]
    officer_key: str


def create_fixtures(clients: int, var_dir: Path) -> Fixtures:
    """Schema, GeoIP demo data, signing keys, the tier and one verified person per client."""
    from django.core.management import call_command

    from accounts.services import api_key_create
    from attestations.models import Document, DocumentType, UsPersonStatus
    from entitlements.services.keys import signing_keys_rotate
    from entitlements.services.tiers import tier_create
    from geo.demo_db import write_demo_databases
    from tests.attestations.factories import AttestationFactory, DocumentFactory
    from tests.support.factories import MembershipFactory, OrganizationFactory, UserFactory

    call_command("migrate", verbosity=0)
    write_demo_databases(var_dir / "geoip")
    signing_keys_rotate()
    tier_create(
        actor=None,
        slug="fable-5",
        name="Fable 5",
        reason="Benchmark tier.",
        min_level=2,
        us_person_required=True,
    )
    keys = []
    for n in range(clients):
        user = UserFactory.create(email=f"bench{n}@example.com")
        AttestationFactory.create(user=user, status=UsPersonStatus.US_CITIZEN)
        DocumentFactory.create(
            user=user, document_type=DocumentType.US_PASSPORT, status=Document.Status.PASSED
        )
        keys.append(api_key_create(user=user, name="bench").plaintext)
    operator = OrganizationFactory.create(kind="operator", legal_name="Bench operator")
    officer = MembershipFactory.create(organization=operator, role="compliance_officer").user
    return Fixtures(person_keys=keys, officer_key=api_key_create(user=officer, name="b").plaintext)


def statements_per_request(key: str) -> dict[str, int]:
    """SQL statements one request of each kind sends, counted in process (for the report)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_X_FORWARDED_FOR=US_ADDRESS, REMOTE_ADDR="127.0.0.1"
    )

    def send(name: str) -> None:
        if name == "tokens":
            client.post("/api/v1/tokens", {"model": "fable-5"}, "application/json")
        else:
            client.get("/api/v1/me")

    counts = {}
    for name in ("tokens", "me"):
        send(name)  # warm: first-use work (signer, caches) is not what is measured
        with CaptureQueriesContext(connection) as queries:
            send(name)
        counts[name] = len(queries.captured_queries)
    return counts


class Server:
    """gunicorn serving the project on a free port, stopped on exit."""

    def __init__(self, env: dict[str, str], port: int, *, workers: int, threads: int) -> None:
        self.port = port
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "idverify.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--keep-alive",
                "30",
                "--backlog",
                "256",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit("gunicorn exited:\n" + self.log.read().decode(errors="replace"))
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not become ready in 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                # A loaded machine can take longer to drain; the figures are already taken.
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Run:
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "connection" and value.strip().lower() == "close":
            close = True
    if length:
        await reader.readexactly(length)
    return status, close


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def exchange(port: int, connection: Connection, request: bytes, run: Run) -> Connection:
    """Send one request on a kept-alive connection and record its latency and status;
    returns the connection to use next (a new one when the server closed this one)."""
    reader, writer = connection
    started = time.perf_counter()
    writer.write(request)
    await writer.drain()
    status, close = await _read_response(reader)
    run.latencies.append(time.perf_counter() - started)
    run.statuses[status] += 1
    if close:
        writer.close()
        return await asyncio.open_connection("127.0.0.1", port)
    return connection


async def _client(port: int, request: bytes, run: Run, deadline: float) -> None:
    connection = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            connection = await exchange(port, connection, request, run)
    finally:
        connection[1].close()


def request_bytes(method: str, path: str, key: str, body: dict[str, Any] | None) -> bytes:
    payload = json.dumps(body).encode() if body is not None else b""
    headers = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        f"Authorization: Bearer {key}",
        f"X-Forwarded-For: {US_ADDRESS}",
        "Accept: application/json",
    ]
    if body is not None:
        headers += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + payload


async def _measure(name: str, port: int, requests: list[bytes], seconds: float) -> Run:
    run = Run(name=name, seconds=seconds)
    deadline = time.perf_counter() + seconds
    await asyncio.gather(*(_client(port, request, run, deadline) for request in requests))
    return run


def measure(name: str, port: int, requests: list[bytes], seconds: float) -> Run:
    return asyncio.run(_measure(name, port, requests, seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="idverify-bench-") as tmp:
        var_dir = Path(tmp)
        port = free_port()
        env = server_env(port, var_dir)
        recreate_database(env)
        setup_django(env)
        fixtures = create_fixtures(args.clients, var_dir)
        statements = statements_per_request(fixtures.person_keys[0])
        server = Server(env, port, workers=args.workers, threads=args.threads)
        try:
            token_requests = [
                request_bytes("POST", "/api/v1/tokens", key, {"model": "fable-5"})
                for key in fixtures.person_keys
            ]
            me_requests = [
                request_bytes("GET", "/api/v1/me", key, None) for key in fixtures.person_keys
            ]
            measure("warm-up", port, token_requests + me_requests, 3.0)
            best: dict[str, Run] = {}
            for _ in range(args.rounds):
                for name, requests in (("me", me_requests), ("tokens", token_requests)):
                    run = measure(name, port, requests, args.seconds)
                    if name not in best or run.rate > best[name].rate:
                        best[name] = run
        finally:
            server.stop()

    tokens, me = best["tokens"], best["me"]
    expected = {"tokens": 201, "me": 200}
    for run in (tokens, me):
        wrong = {s: n for s, n in run.statuses.items() if s != expected[run.name]}
        if wrong:
            raise SystemExit(f"{run.name}: unexpected statuses {wrong}")
    ratio = tokens.rate / me.rate
    print(
        f"idverify token issuance, {platform.python_implementation()} {platform.python_version()}"
    )
    print(
        f"{args.clients} clients, gunicorn {args.workers} workers x {args.threads} threads, "
        f"{os.cpu_count()} CPUs, PostgreSQL, best of {args.rounds} x {args.seconds:.0f} s"
    )
    print()
    print(
        f"{'endpoint':<28}{'requests/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}"
        f"{'SQL/req':>9}"
    )
    for label, run in (("POST /api/v1/tokens", tokens), ("GET /api/v1/me (baseline)", me)):
        print(
            f"{label:<28}{run.rate:>12.1f}{run.percentile(0.50):>10.1f}"
            f"{run.percentile(0.99):>10.1f}{len(run.latencies):>10}{statements[run.name]:>9}"
        )
    print()
    print(
        f"tokens / baseline throughput: {ratio:.0%}   (target >= 50%: "
        f"{'met' if ratio >= 0.5 else 'NOT met'})"
    )
    p99 = tokens.percentile(0.99)
    print(f"tokens p99: {p99:.1f} ms   (target < 50 ms: {'met' if p99 < 50 else 'NOT met'})")
    print(f"mean token latency {statistics.fmean(tokens.latencies) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
