"""A real Celery worker process on a real Redis broker, for queue tests.

The test process publishes through the same broker; the worker process
reads the test database (tests using it must be ``transaction=True`` so the
worker sees committed rows).

A worker never outlives the test that started it: it leads its own process
group, which leaving ``celery_worker`` (normally or by an exception) stops and
then kills outright, and the kernel kills it should the test process itself
die without running any cleanup (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import kombu.pools
import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

from idverify.celery import app

ROOT = Path(__file__).resolve().parents[2]
# Seconds a worker gets to finish its task and exit after SIGTERM before SIGKILL.
STOP_SECONDS = 10.0


def broker_url() -> str:
    url = os.environ.get("IDV_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        pytest.fail(f"The queue tests need Redis at {url} ({exc}); scripts/test.sh starts one.")
    return url


def _test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    queue: str
    log_path: Path
    # PostgreSQL application_name of the worker's connections (libpq reads PGAPPNAME).
    db_application_name: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        """The worker's own log lines, without what tasks print (console emails)."""
        own = [
            line
            for line in self.log().splitlines()
            if not line.startswith("[") or "WARNING/MainProcess]" not in line
        ]
        return "\n".join(own[-lines:])

    def alive(self) -> bool:
        return not self._exited()

    def _exited(self) -> bool:
        """Exited, without reaping it: until reaped, its pid (the group's id) stays its own."""
        if self.process.returncode is not None:
            return True
        flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
        return os.waitid(os.P_PID, self.process.pid, flags) is not None

    def kill(self) -> None:
        """Kill -9 the whole process group: the way a crash or an OOM kill takes a worker down."""
        if self.process.returncode is None:  # not reaped, so the group id is still ours
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"Worker {self.process.pid} survived SIGKILL for {STOP_SECONDS} s.")

    def stop(self) -> None:
        """SIGTERM (Celery's warm shutdown), and SIGKILL if it is not gone within STOP_SECONDS."""
        if self.process.returncode is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            while not self._exited() and time.monotonic() < deadline:
                time.sleep(0.05)
        # Whatever is left of the group (the leader, or anything it started) goes now.
        self.kill()


@contextmanager
def broker_app() -> Iterator[str]:
    """Point this process's Celery app at the real broker for the duration."""
    url = broker_url()
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=url, task_always_eager=False)
    _reset_pools()  # pools are built from broker_url on first use, even by eager calls
    try:
        yield url
    finally:
        _reset_pools()
        app.conf.update(saved)


def _reset_pools() -> None:
    # Private attributes: Celery has no public way to rebuild its pools for a new broker.
    pool = getattr(app, "_pool", None)
    if pool is not None:
        pool.force_close_all()
    setattr(app, "_pool", None)  # noqa: B010
    setattr(app.amqp, "_producer_pool", None)  # noqa: B010
    # kombu also caches producer pools per connection process-wide; without this a
    # second broker test in the same run gets a pool closed by the first.
    kombu.pools.reset()


class RecordingEmailBackend(BaseEmailBackend):
    """A worker's outbox for tests: one line of recipients per message sent.

    Lines go to the file named by ``IDV_TEST_SENT_MAIL_LOG``, each with one
    ``write(2)`` on an append-only descriptor, so a message counts as sent as soon
    as it is written, whatever happens to the worker the instant after.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        path = os.environ["IDV_TEST_SENT_MAIL_LOG"]
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            for message in email_messages:
                os.write(fd, (",".join(message.recipients()) + "\n").encode())
        finally:
            os.close(fd)
        return len(email_messages)


# The worker's first lines: ask the kernel for SIGKILL when the test process dies
# (PR_SET_PDEATHSIG, kept across exec), then run Celery's command line. Done in the
# child itself, not in a preexec_fn, which is unsafe in a process with threads.
_BOOTSTRAP = """
import ctypes, os, runpy, signal, sys
if sys.platform == "linux":
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)
if os.getppid() != int(sys.argv[1]):
    sys.exit("The test process that started this worker is gone.")
sys.argv = ["celery", *sys.argv[2:]]
runpy.run_module("celery", run_name="__main__", alter_sys=True)
"""


def start_worker(
    log_dir: Path, *, queue: str, name: str, extra_env: dict[str, str] | None = None
) -> Worker:
    """A worker process consuming ``queue``; the caller must ``stop()`` or ``kill()`` it."""
    url = broker_url()
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"worker-{name}.log"
    application_name = f"idv-test-worker-{name}"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": url,
        "DATABASE_URL": _test_database_url(),
        "PGAPPNAME": application_name,
        **(extra_env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-c",
                _BOOTSTRAP,
                str(os.getpid()),
                "-A",
                "idverify",
                "worker",
                "--pool",
                "solo",
                "--queues",
                queue,
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Worker(
        process=process, queue=queue, log_path=log_path, db_application_name=application_name
    )


@contextmanager
def celery_worker(
    tmp_path: Path,
    *,
    queue: str | None = None,
    name: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Worker]:
    queue = queue or f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(tmp_path, queue=queue, name=name or queue, extra_env=extra_env)
    try:
        yield worker
    finally:
        worker.stop()
