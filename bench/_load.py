"""The load clients and the server under test, shared by the benchmarks.

``exchange`` sends one request on a kept-alive connection; ``measure`` runs a
closed loop (each client sends its next request when the last is answered:
capacity), ``measure_open`` an open loop (requests on a fixed schedule at a
given rate whatever the server does, latency counted from the scheduled send
time, so a slow server cannot slow the load down). ``ServerCpu`` reads the CPU
the server spends (gunicorn's processes and the PostgreSQL backends serving
one database) from ``/proc``. Only the standard library and psycopg.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from idverify import gunicorn_config  # noqa: E402 - the checkout's, found through ROOT

US_ADDRESS = "192.0.2.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn serving the project on a free port, stopped on exit."""

    def __init__(self, env: dict[str, str], port: int, *, workers: int, threads: int) -> None:
        self.port = port
        venv_bin = Path(sys.executable).parent
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log")  # noqa: SIM115
        command = [str(venv_bin / "gunicorn"), "idverify.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        command += ["--threads", str(threads), "--worker-class", "gthread", "--keep-alive", "30"]
        command += ["--backlog", "256", "--log-level", "warning"]
        # As every node does (idverify/gunicorn_config.py), without its periodic-schedule
        # hook: a socket per worker, so the clients' kept-alive connections spread over them.
        if gunicorn_config.reuse_port:
            command.append("--reuse-port")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self, seconds: float = 180.0) -> None:
        deadline = time.monotonic() + seconds
        last = ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit("gunicorn exited:\n" + self.log.read().decode(errors="replace"))
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=5):
                    return
            except urllib.error.HTTPError as error:
                last = error.read().decode(errors="replace")
            except OSError as error:
                last = str(error)
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not become ready in {seconds:.0f} s: {last}")

    def pids(self) -> list[int]:
        """The master and its workers."""
        return [self.process.pid, *children(self.process.pid)]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                # A loaded machine can take longer to drain; the figures are already taken.
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class ServerCpu:
    """CPU seconds spent by the web processes and the database's backends between two reads."""

    def __init__(self, server: Server, database_url: str, database: str) -> None:
        self.server, self.database_url, self.database = server, database_url, database

    def backends(self) -> list[int]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.database,),
            ).fetchall()
        return [int(row[0]) for row in rows]

    def snapshot(self) -> dict[int, float]:
        """CPU seconds so far of each web process and backend; backends' pids negated,
        so that ``spent`` can tell the database's share."""
        web = {pid: cpu_seconds(pid) for pid in self.server.pids()}
        return {**web, **{-pid: cpu_seconds(pid) for pid in self.backends()}}

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> tuple[float, float]:
        """(all, the backends' share) between two snapshots. A backend that started in
        between counts from zero; one that ended is lost (rare)."""
        deltas = {pid: value - before.get(pid, 0.0) for pid, value in after.items()}
        return sum(deltas.values()), sum(d for pid, d in deltas.items() if pid < 0)


@dataclass
class Run:
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    cpu_seconds: float = 0.0
    # The PostgreSQL backends' share of cpu_seconds.
    db_cpu_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds * 1000 / max(1, len(self.latencies))

    @property
    def db_cpu_ms_per_request(self) -> float:
        return self.db_cpu_seconds * 1000 / max(1, len(self.latencies))


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


async def exchange(
    port: int, connection: Connection, request: bytes, run: Run, *, since: float | None = None
) -> Connection:
    """Send one request on a kept-alive connection and record its latency and status;
    returns the connection to use next (a new one when the server closed this one).
    ``since``: the ``perf_counter`` time latency counts from (open loop: the scheduled one)."""
    reader, writer = connection
    started = time.perf_counter() if since is None else since
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


def request_bytes(method: str, path: str, key: str | None, body: dict[str, Any] | None) -> bytes:
    payload = json.dumps(body).encode() if body is not None else b""
    headers = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"X-Forwarded-For: {US_ADDRESS}"]
    headers.append("Accept: application/json" if path != "/api/v1/revocations" else "Accept: */*")
    if key is not None:
        headers.append(f"Authorization: Bearer {key}")
    if body is not None:
        headers += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + payload


async def _measure(name: str, port: int, requests: list[bytes], seconds: float) -> Run:
    run = Run(name=name, seconds=seconds)
    deadline = time.perf_counter() + seconds
    await asyncio.gather(*(_client(port, request, run, deadline) for request in requests))
    return run


def measure(
    name: str, port: int, requests: list[bytes], seconds: float, cpu: ServerCpu | None = None
) -> Run:
    """Closed loop: one client per request in ``requests``, back to back for ``seconds``."""
    before = cpu.snapshot() if cpu else {}
    run = asyncio.run(_measure(name, port, requests, seconds))
    if cpu:
        run.cpu_seconds, run.db_cpu_seconds = cpu.spent(before, cpu.snapshot())
    return run


async def _open_loop(
    name: str, port: int, requests: list[bytes], rate: float, seconds: float
) -> Run:
    run = Run(name=name, seconds=seconds)
    idle: list[Connection] = []

    async def send(request: bytes, scheduled: float) -> None:
        connection = idle.pop() if idle else await asyncio.open_connection("127.0.0.1", port)
        try:
            idle.append(await exchange(port, connection, request, run, since=scheduled))
        except (OSError, asyncio.IncompleteReadError):
            run.statuses[0] += 1
            connection[1].close()

    tasks = []
    start = time.perf_counter() + 0.05
    for n in range(int(rate * seconds)):
        scheduled = start + n / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(requests[n % len(requests)], scheduled)))
    await asyncio.gather(*tasks)
    for _, writer in idle:
        writer.close()
    return run


def measure_open(name: str, port: int, requests: list[bytes], rate: float, seconds: float) -> Run:
    """Open loop: ``rate`` requests a second on a fixed schedule, cycling through ``requests``."""
    return asyncio.run(_open_loop(name, port, requests, rate, seconds))
