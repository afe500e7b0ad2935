"""A real Celery worker process on a real Redis broker, for queue tests.

The test process publishes through the same broker; the worker process
reads the test database (tests using it must be ``transaction=True`` so the
worker sees committed rows).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import kombu.pools
import pytest
from django.db import connection

from idverify.celery import app

ROOT = Path(__file__).resolve().parents[2]


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

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """Kill -9: the way a crash or an OOM kill takes a worker down."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


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


@contextmanager
def celery_worker(
    tmp_path: Path, *, queue: str | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[Worker]:
    url = broker_url()
    queue = queue or f"test-{uuid.uuid4().hex[:8]}"
    log_path = tmp_path / f"worker-{queue}.log"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": url,
        "DATABASE_URL": _test_database_url(),
        **(extra_env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
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
                f"{queue}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(process=process, queue=queue, log_path=log_path)
    try:
        yield worker
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
