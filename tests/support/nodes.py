"""The production shape in a test: web nodes run from the Procfile, private Redis and PostgreSQL.

A web node is the Procfile's ``web`` command (gunicorn with
``idverify/gunicorn_config.py``) run by bash with its own ``PORT``, as honcho
runs it. Tests that break a dependency start their own: ``private_redis``
(``redis-server`` on a free port) and ``private_postgres`` (``initdb`` and
``pg_ctl`` as user postgres on a free port), never the shared servers.
Every process leads its own process group and is killed with it on exit.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def procfile() -> dict[str, str]:
    """The Procfile's process types and their commands."""
    entries: dict[str, str] = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def wait_for(condition: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {within} s waiting for {what}")


def _stop_group(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def http(
    method: str,
    url: str,
    *,
    body: object = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
    opener: urllib.request.OpenerDirector | None = None,
) -> Answer:
    data = None
    sent = dict(headers or {})
    if isinstance(body, bytes):
        data = body
    elif body is not None:
        data = json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    request = urllib.request.Request(url, data=data, headers=sent, method=method)  # noqa: S310
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


@dataclass
class WebNode:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        _stop_group(self.process, timeout=20)


def node_env(**overrides: str) -> dict[str, str]:
    """The test run's environment for a node (secrets, issuer, hosts), with ``overrides``."""
    env = {k: v for k, v in os.environ.items() if k not in ("IDV_QUICKSTART", "CELERY_BROKER_URL")}
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '')}"
    env.update(
        WEB_CONCURRENCY="1",
        WEB_THREADS="4",
        IDV_GEO_ALLOW_LOCAL="1",
        DJANGO_SETTINGS_MODULE="idverify.settings",
    )
    env.update(overrides)
    return env


def start_web_node(log_dir: Path, name: str, env: Mapping[str, str]) -> WebNode:
    """The Procfile's web command on a free port; returns once ``/healthz`` answers."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"web-{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - the Procfile's own command
            ["/bin/bash", "-c", f"exec {procfile()['web']}"],
            cwd=ROOT,
            env={**env, "PORT": str(port), "HOST": "127.0.0.1"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    node = WebNode(name=name, port=port, process=process, log_path=log_path)

    def up() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"web node {name} exited:\n{node.log()[-3000:]}")
        try:
            return http("GET", f"{node.url}/healthz", timeout=2).status == 200
        except OSError:
            return False

    try:
        wait_for(up, 60, f"web node {name}")
    except BaseException:
        node.stop()
        raise
    return node


@contextmanager
def web_nodes(log_dir: Path, env: Mapping[str, str], *names: str) -> Iterator[list[WebNode]]:
    nodes: list[WebNode] = []
    try:
        for name in names:
            nodes.append(start_web_node(log_dir, name, env))
        yield nodes
    finally:
        for node in nodes:
            node.stop()


@dataclass
class PrivateRedis:
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.answers, 10, f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL: the way a crashed or lost Redis goes."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        raise AssertionError("redis-server is not installed (scripts/system-deps.sh installs it)")
    redis = PrivateRedis(port=free_port())
    redis.start()
    try:
        yield redis
    finally:
        redis.kill()


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise AssertionError(f"{name} is not installed: the fault tests start their own PostgreSQL")
    return str(candidates[-1])


@dataclass
class PrivatePostgres:
    data_dir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/idverify"

    def _as_postgres(self, *command: str) -> None:
        runner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        subprocess.run([*runner, *command], check=True, capture_output=True, timeout=120)  # noqa: S603

    def pg_ctl(self, action: str, *extra: str) -> None:
        self._as_postgres(_pg_bin("pg_ctl"), "-D", str(self.data_dir), "-w", action, *extra)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1"
        self.pg_ctl("start", "-o", options, "-l", str(self.data_dir / "server.log"))

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "-m", mode)

    def restart(self) -> None:
        """What an operator's restart does: fast shutdown (sessions cut), then start."""
        self.stop()
        self.start()


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A throwaway cluster with an empty ``idverify`` database (the caller migrates it)."""
    parent = Path(tempfile.mkdtemp(prefix="idv-pg-", dir="/tmp"))
    data_dir = parent / "data"
    data_dir.mkdir()
    if os.getuid() == 0:
        shutil.chown(parent, "postgres")
        shutil.chown(data_dir, "postgres")
    cluster = PrivatePostgres(data_dir=data_dir, port=free_port())
    try:
        cluster._as_postgres(
            _pg_bin("initdb"), "-D", str(data_dir), "-U", "postgres", "--auth=trust", "-N"
        )
        cluster.start()
        cluster._as_postgres(
            _pg_bin("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(cluster.port),
            "-U",
            "postgres",
            "idverify",
        )
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        shutil.rmtree(parent, ignore_errors=True)


def manage(env: Mapping[str, str], *args: str, timeout: float = 300) -> str:
    """Run ``manage.py`` with ``env``; its output, or an assertion naming what failed."""
    done = subprocess.run(  # noqa: S603 - the project's own command
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def this_run_database_url() -> str:
    """The database this test run uses, as a URL a node can be given (tests must commit)."""
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_connections(node: WebNode) -> list[int]:
    """How many established connections to ``node``'s port each of its workers holds
    (read from /proc: the sockets' inodes in /proc/net/tcp, and each worker's fds)."""
    sockets: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == node.port and fields[3] == "01":  # ESTABLISHED
                sockets.add(f"socket:[{fields[9]}]")
    workers = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _parent(entry) == node.process.pid
    ]
    return sorted(_sockets_held(pid, sockets) for pid in workers)


def _sockets_held(pid: int, sockets: set[str]) -> int:
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with suppress(OSError):  # an fd the worker closed since the listing
            held += os.readlink(fd) in sockets
    return held


def _parent(process_dir: Path) -> int | None:
    try:
        return int((process_dir / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None
