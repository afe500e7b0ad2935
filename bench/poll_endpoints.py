"""Server CPU per request for what every verifier polls, beside /healthz.

    .venv/bin/python bench/poll_endpoints.py [--clients 8] [--seconds 5] [--rounds 2]

Serves the project as production does (gunicorn with the Procfile's web options,
production settings: PostgreSQL ``idverify_bench_poll`` on BENCH_POSTGRES_URL's
server, dropped and recreated; the cache on Redis, BENCH_CACHE_URL, default
redis://127.0.0.1:6379/1). The bench process plays Celery beat: it re-signs the
revocation document every IDV_REVOCATIONS_TTL_SECONDS / 2, as the heartbeat does.

Each client is a closed loop on one keep-alive connection. The ``304`` rows
behave like a verifier: each sends the ETag of the last answer it got in
If-None-Match, so most answers are ``304`` and a new document (every heartbeat)
is a ``200``. CPU is the web processes' user + system time from /proc
(arbiter and workers, all threads) over the run, divided by the answers.

Target: revocations and JWKS at no more server CPU per request than /healthz.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from issue_tokens import free_port, server_env, setup_django  # noqa: E402

BENCH_DB = "idverify_bench_poll"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ENDPOINTS = [
    ("GET /healthz", "/healthz", False),
    ("GET /api/v1/revocations", "/api/v1/revocations", False),
    ("  with If-None-Match", "/api/v1/revocations", True),
    ("GET /.well-known/jwks.json", "/.well-known/jwks.json", False),
    ("  with If-None-Match", "/.well-known/jwks.json", True),
]


def recreate_database(env: dict[str, str]) -> None:
    import psycopg

    admin_url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def create_fixtures() -> None:
    from django.core.management import call_command

    from entitlements.services.keys import signing_keys_rotate
    from entitlements.services.tiers import tier_create

    call_command("migrate", verbosity=0)
    signing_keys_rotate()
    for slug in ("fable-5", "mythos-5"):
        tier_create(actor=None, slug=slug, name=slug, reason="Benchmark tier.", min_level=2)


def process_tree(root: int) -> list[int]:
    """The root and its children (gunicorn's arbiter and its workers)."""
    pids = [root]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == root:
                pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User + system time of these processes, all their threads, from /proc/PID/stat."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / CLOCK_TICKS


class Server:
    def __init__(self, env: dict[str, str], port: int, workers: int, threads: int) -> None:
        self.port = port
        self.log = tempfile.NamedTemporaryFile(prefix="bench-poll-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "idverify.wsgi:application",
                "--config",
                "idverify/gunicorn_config.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--keep-alive",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit("gunicorn exited:\n" + self.log.read().decode(errors="replace"))
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start in 60 s")
        self.pids = process_tree(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@dataclass
class Run:
    name: str
    seconds: float = 0.0
    cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu / len(self.latencies) * 1000

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _client(port: int, path: str, conditional: bool, run: Run, deadline: float) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    etag = ""
    try:
        while time.perf_counter() < deadline:
            lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"]
            if conditional and etag:
                lines.append(f"If-None-Match: {etag}")
            started = time.perf_counter()
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            await writer.drain()
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            length = 0
            for line in head[1:]:
                name, _, value = line.partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "etag":
                    etag = value.strip()
            if length:
                await reader.readexactly(length)
            run.latencies.append(time.perf_counter() - started)
            run.statuses[int(head[0].split()[1])] += 1
    finally:
        writer.close()


def measure(
    name: str, server: Server, path: str, *, conditional: bool, clients: int, seconds: float
) -> Run:
    async def go() -> Run:
        run = Run(name=name, seconds=seconds)
        before = cpu_seconds(server.pids)
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(_client(server.port, path, conditional, run, deadline) for _ in range(clients))
        )
        run.cpu = cpu_seconds(server.pids) - before
        return run

    return asyncio.run(go())


def heartbeat(stop: threading.Event, period: float) -> None:
    """What Celery beat and a worker do in production: re-sign every half lifetime."""
    from django.db import connection

    from entitlements.tasks import revocations_heartbeat

    while not stop.wait(period):
        revocations_heartbeat()
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="idverify-bench-") as tmp:
        port = free_port()
        env = server_env(port, Path(tmp))
        env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + BENCH_DB
        env["CACHE_URL"] = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/1")
        env["CELERY_BROKER_URL"] = env["CACHE_URL"]  # production-shaped: no in-process schedule
        recreate_database(env)
        setup_django(env)
        create_fixtures()
        from django.conf import settings
        from django.core.cache import cache

        cache.clear()
        stop = threading.Event()
        beat = threading.Thread(
            target=heartbeat, args=(stop, settings.IDV_REVOCATIONS_TTL_SECONDS / 2), daemon=True
        )
        beat.start()
        server = Server(env, port, args.workers, args.threads)
        best: dict[str, Run] = {}
        try:
            for _label, path, conditional in ENDPOINTS:
                measure(
                    "warm-up",
                    server,
                    path,
                    conditional=conditional,
                    clients=args.clients,
                    seconds=1,
                )
            for _ in range(args.rounds):
                for label, path, conditional in ENDPOINTS:
                    run = measure(
                        label,
                        server,
                        path,
                        conditional=conditional,
                        clients=args.clients,
                        seconds=args.seconds,
                    )
                    key = label + path
                    if key not in best or run.cpu_ms_per_request < best[key].cpu_ms_per_request:
                        best[key] = run
        finally:
            stop.set()
            server.stop()
            beat.join(timeout=10)

    print(
        f"idverify polled endpoints, {platform.python_implementation()} {platform.python_version()}"
    )
    print(
        f"{args.clients} clients, gunicorn {args.workers} workers x {args.threads} threads, "
        f"{os.cpu_count()} CPUs, PostgreSQL, cache {env['CACHE_URL'].split('://')[0]}, "
        f"best of {args.rounds} x {args.seconds:.0f} s"
    )
    print()
    print(f"{'endpoint':<30}{'CPU ms/req':>11}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}  statuses")
    for run in best.values():
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(run.statuses.items()))
        print(
            f"{run.name:<30}{run.cpu_ms_per_request:>11.3f}{len(run.latencies) / run.seconds:>9.0f}"
            f"{run.percentile(0.5):>8.2f}{run.percentile(0.99):>8.2f}  {statuses}"
        )
    healthz = next(iter(best.values()))
    print()
    for run in list(best.values())[1:]:
        ratio = run.cpu_ms_per_request / healthz.cpu_ms_per_request
        print(f"{run.name.strip():<30} {ratio:.2f}x /healthz")
    print(f"mean /healthz latency {statistics.fmean(healthz.latencies) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
