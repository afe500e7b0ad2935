"""A worker killed mid-job (SIGKILL) and a fresh one started: the job finishes, whole.

Real Redis broker, real worker processes, the real PostgreSQL test database.

The kill lands at a chosen point, not wherever a poll happens to notice
progress: the test holds one person's roster row in an open transaction, so the
first worker commits the chunks before that person's and then waits on the row
lock, mid-chunk, with an uncommitted transaction. That is where it is killed.
Every wait is bounded, and the ``enrolment_workers`` fixture leaves no worker,
broker message or row behind however the test ends.
"""

from __future__ import annotations

import itertools
import json
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import redis
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F

from accounts.models import (
    EnrolmentJob,
    EnrolmentResultChunk,
    Invitation,
    Organization,
    RosterEntry,
    User,
)
from accounts.services.enrolments import enrolment_submit
from tests.accounts.factories import HEADER, csv_bytes, csv_file, staff_rows
from tests.support.celery_worker import Worker, broker_app, broker_url, start_worker

# The in-test budget (BUDGET) is what bounds the test; pytest-timeout is the backstop
# and uses SIGALRM, so the fixture's cleanup still runs when it fires.
pytestmark = [
    pytest.mark.broker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(90, method="signal"),
]

ROWS = 1200
CHUNK = 25
# Redis hands an unacknowledged task out again once it is this many seconds old.
VISIBILITY = 3
BUDGET = 60.0  # seconds for every wait in the test together
COMMITTED_BEFORE_KILL = 12 * CHUNK
# Mid-way through the 13th chunk: person n is on line n + 2, after the header.
HELD_PERSON = COMMITTED_BEFORE_KILL + CHUNK // 2


@dataclass
class EnrolmentWorkers:
    """Workers on a queue of this test's own; what they leave is removed by the fixture."""

    queue: str
    log_dir: Path
    started: list[Worker] = field(default_factory=list)
    deadline: float = field(default_factory=lambda: time.monotonic() + BUDGET)

    def start(self, name: str) -> Worker:
        env = {
            "IDV_ACCOUNTS_TASK_QUEUE": self.queue,
            "IDV_ENROLMENT_CHUNK_ROWS": str(CHUNK),
            "IDV_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
            "EMAIL_BACKEND": "tests.support.celery_worker.RecordingEmailBackend",
            "IDV_TEST_SENT_MAIL_LOG": str(self.sent_log(name)),
        }
        worker = start_worker(
            self.log_dir, queue=self.queue, name=f"{name}-{self.queue}", extra_env=env
        )
        self.started.append(worker)
        return worker

    def sent_log(self, name: str) -> Path:
        return self.log_dir / f"sent-{name}.txt"

    def sent_by(self, name: str) -> list[str]:
        path = self.sent_log(name)
        return path.read_text().split() if path.exists() else []

    def wait(
        self,
        what: str,
        condition: Callable[[], bool],
        *,
        worker: Worker,
        within: float,
        worker_runs: bool = True,
    ) -> None:
        """Poll ``condition`` for at most ``within`` seconds, never past the test's budget;
        with ``worker_runs``, give up at once should the worker exit."""
        end = min(self.deadline, time.monotonic() + within)
        while not condition():
            if worker_runs and not worker.alive():
                problem = "The worker exited before"
            elif time.monotonic() > end:
                problem = f"Gave up after {within:.0f} s (test budget {BUDGET:.0f} s) on"
            else:
                time.sleep(0.05)
                continue
            pytest.fail(f"{problem} {what}. Worker log ({worker.log_path}):\n{worker.log_tail()}")


def _worker_sessions(worker: Worker) -> list[int]:
    with connection.cursor() as cursor:
        # pg_stat_activity is read once per transaction unless told to read it afresh.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
            [worker.db_application_name],
        )
        return [pid for (pid,) in cursor.fetchall()]


def _sessions_waiting_on_this_one(worker: Worker) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE application_name = %s AND pg_backend_pid() = ANY(pg_blocking_pids(pid))",
            [worker.db_application_name],
        )
        return [pid for (pid,) in cursor.fetchall()]


def _broker() -> redis.Redis:
    return redis.Redis.from_url(broker_url(), decode_responses=True)


def _unacked(client: redis.Redis, queue: str) -> dict[str, float]:
    """Broker messages of ``queue`` taken by a worker and not acknowledged: tag -> taken at."""
    taken: dict[str, float] = {}
    for tag, raw in client.hgetall("unacked").items():
        _message, _exchange, routing_key = json.loads(raw)
        if routing_key == queue:
            score = client.zscore("unacked_index", tag)
            taken[str(tag)] = score if score is not None else 0.0
    return taken


def _remove_from_broker(queue: str) -> None:
    client = _broker()
    for tag in _unacked(client, queue):
        client.hdel("unacked", tag)
        client.zrem("unacked_index", tag)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)


def _terminate_sessions(worker: Worker) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [worker.db_application_name],
        )


@pytest.fixture
def enrolment_workers(
    tmp_path: Path, settings: Any, transactional_db: None
) -> Iterator[EnrolmentWorkers]:
    """Workers for one test; afterwards none of them, their messages or their rows remain.

    The cleanup runs however the test ends: a failed assertion, pytest-timeout
    (SIGALRM), Ctrl-C, or SIGTERM (turned into KeyboardInterrupt here, so a CI
    job's timeout does not leave a worker writing into the reused database).
    Request it before ``owner`` and ``org``, so it can first clear what a run
    killed with SIGKILL left.
    """

    def interrupted(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    if User.objects.exists():
        # Rows of a run killed outright (SIGKILL: no cleanup runs; its workers die with
        # it), which would make this one fail on a duplicate owner@example.com.
        call_command("flush", interactive=False, verbosity=0)
    previous = signal.signal(signal.SIGTERM, interrupted)
    workers = EnrolmentWorkers(queue=f"enrol-kill-{uuid.uuid4().hex[:8]}", log_dir=tmp_path)
    settings.IDV_ACCOUNTS_TASK_QUEUE = workers.queue
    try:
        yield workers
    finally:
        with ExitStack() as cleanup:  # each step runs even if one before it fails
            cleanup.callback(signal.signal, signal.SIGTERM, previous)
            # Last: committed rows would break the next run on the reused database (a
            # duplicate owner@example.com); by then no worker is left to write more.
            cleanup.callback(call_command, "flush", interactive=False, verbosity=0)
            cleanup.callback(_remove_from_broker, workers.queue)
            for worker in workers.started:
                # A killed worker's session can outlive it briefly, holding its locks.
                cleanup.callback(_terminate_sessions, worker)
            # An interrupted query can leave this connection unusable for the rest.
            cleanup.callback(connection.close_if_unusable_or_obsolete)
            for worker in workers.started:
                # The whole process group; nothing to do for a worker already stopped.
                cleanup.callback(worker.kill)


def test_a_killed_worker_leaves_a_job_the_next_worker_finishes_exactly_once(
    enrolment_workers: EnrolmentWorkers, owner: User, org: Organization
) -> None:
    workers = enrolment_workers
    data = csv_bytes(HEADER, *staff_rows(ROWS), "person7@staff.example.com,Dup,Licate,,,")
    with broker_app():  # queued now; no worker runs it before the row below is held
        job = enrolment_submit(
            actor=owner,
            organization=org,
            file=csv_file(data),
            filename="staff.csv",
            size=len(data),
            mode="commit_valid_only",
        )

    with transaction.atomic():
        RosterEntry.objects.create(organization=org, email=f"person{HELD_PERSON}@staff.example.com")
        first = workers.start("first")
        workers.wait(
            f"the first worker to commit {COMMITTED_BEFORE_KILL} rows and wait on line "
            f"{HELD_PERSON + 2}'s roster row",
            lambda: bool(_sessions_waiting_on_this_one(first)),
            worker=first,
            within=30,
        )
        first.kill()
        transaction.set_rollback(True)  # the held row never existed
    workers.wait(
        "the killed worker's database session to end",
        lambda: not _worker_sessions(first),
        worker=first,
        within=10,
        worker_runs=False,
    )
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.chunks_done) == (
        EnrolmentJob.Status.RUNNING,
        COMMITTED_BEFORE_KILL,
        COMMITTED_BEFORE_KILL // CHUNK,
    )
    assert RosterEntry.objects.count() == COMMITTED_BEFORE_KILL  # not the chunk it died in
    assert workers.sent_by("first") == []  # it was still importing: no email sent or claimed
    assert not Invitation.objects.filter(claimed_generation__gt=0).exists()

    # The broker still holds the run task the first worker took; it hands it out
    # again once it is VISIBILITY seconds old, which a starting worker checks first.
    broker = _broker()
    taken = _unacked(broker, workers.queue)
    assert taken, "the killed worker's task should be unacknowledged in Redis"
    visible_at = max(taken.values()) + VISIBILITY + 0.5
    time.sleep(min(VISIBILITY + 0.5, max(0.0, visible_at - time.time())))

    second = workers.start("second")

    def finished() -> bool:
        job.refresh_from_db()
        unsent = Invitation.objects.exclude(emailed_generation=F("generation")).exists()
        return job.status == EnrolmentJob.Status.SUCCEEDED and not unsent

    workers.wait(
        "the second worker to finish the job and email every invitation",
        finished,
        worker=second,
        within=40,
    )
    second.stop()

    assert "accounts.enrolment_run" in second.log()  # the second worker took the job up
    assert (job.count_new, job.count_updated, job.count_unchanged, job.count_invalid) == (
        ROWS,
        0,
        0,
        1,
    )
    assert RosterEntry.objects.count() == ROWS
    assert Invitation.objects.count() == ROWS
    chunks = list(EnrolmentResultChunk.objects.filter(job=job).order_by("index"))
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert chunks[0].first_line == 2
    assert chunks[-1].last_line == ROWS + 2
    for before, after in itertools.pairwise(chunks):
        assert after.first_line == before.last_line + 1  # no gap, no overlap
    sent = workers.sent_by("second")
    assert len(sent) == len(set(sent)) == ROWS  # every invitation emailed, none twice
