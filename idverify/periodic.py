"""The periodic schedule run in-process, for installs without Celery beat.

Without ``CELERY_BROKER_URL`` (the quick start) tasks run eagerly and no beat
process exists, so nothing would ever purge document images, prune
enrolments, seal the audit log or re-sign the revocation document. Here the
web server runs ``CELERY_BEAT_SCHEDULE`` itself: every entry, read from
settings, so a periodic task added there is picked up with no change here.

Exactly one process per server runs it. Every web process starts a thread
(the gunicorn hook in ``idverify/gunicorn_config.py``) that tries to take an
exclusive ``flock`` on ``VAR_DIR/periodic.lock``: the one that gets it runs
the schedule, the others try again every few seconds. The kernel drops the
lock with its process, so when that worker exits or crashes another takes
over, and a lock can never be left behind. Each job runs in its own
try/except (a failure is logged; the others carry on) in that thread, never
in a request's: requests do not wait for it.

Entries are due at start, then as their schedule says (``celery.schedules``:
seconds, ``timedelta`` or ``crontab``); the periodic tasks are idempotent,
so running them at each start is harmless.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from celery.schedules import BaseSchedule, schedule
from django.conf import settings
from django.db import close_old_connections

from idverify.celery import app as celery_app
from idverify.unavailable import is_database_unavailable

log = logging.getLogger("idverify.periodic")

# How often a process without the lock asks for it again.
RETRY_SECONDS = 5.0
# The longest sleep between passes, so a stop request or a new due time is not missed for long.
MAX_SLEEP_SECONDS = 30.0


@dataclass
class Job:
    name: str
    task: str
    schedule: BaseSchedule
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    last_run_at: datetime | None = None


def _as_schedule(value: object) -> BaseSchedule:
    if isinstance(value, BaseSchedule):
        return value
    if isinstance(value, timedelta):
        return schedule(value, app=celery_app)
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return schedule(timedelta(seconds=value), app=celery_app)
    raise TypeError(f"{value!r} is not a schedule (seconds, timedelta or crontab)")


def jobs_from_schedule(entries: Mapping[str, Mapping[str, object]] | None = None) -> list[Job]:
    """One job per entry of ``entries`` (by default ``settings.CELERY_BEAT_SCHEDULE``).

    An entry that cannot be understood is logged and left out; the others still run.
    """
    chosen: Mapping[str, Mapping[str, object]] = (
        settings.CELERY_BEAT_SCHEDULE if entries is None else entries
    )
    jobs: list[Job] = []
    for name, entry in chosen.items():
        try:
            args, kwargs = entry.get("args", ()), entry.get("kwargs", {})
            if not isinstance(args, list | tuple) or not isinstance(kwargs, dict):
                raise TypeError("args must be a list and kwargs a dict")
            jobs.append(
                Job(
                    name=name,
                    task=str(entry["task"]),
                    schedule=_as_schedule(entry["schedule"]),
                    args=tuple(args),
                    kwargs=dict(kwargs),
                )
            )
        except (KeyError, TypeError) as error:
            log.error("periodic entry %s is left out: %s", name, error)
    return jobs


def _skipped(job: Job, error: BaseException) -> None:
    # An outage, not a bug: the job runs again on its schedule once it is over.
    log.warning(
        "periodic job %s (%s) skipped: the database is unavailable (%s)",
        job.name,
        job.task,
        type(error).__name__,
    )


def run_job(job: Job) -> bool:
    """Run one job now, in this thread; True when it succeeded. Never raises."""
    close_old_connections()
    try:
        task = celery_app.tasks[job.task]
        result = task.apply(args=job.args, kwargs=job.kwargs)
        if result.failed() and is_database_unavailable(result.result):
            _skipped(job, result.result)
            return False
        if result.failed():
            log.error(
                "periodic job %s (%s) failed: %r",
                job.name,
                job.task,
                result.result,
                extra={"traceback": result.traceback},
            )
            return False
    except Exception as error:
        if is_database_unavailable(error):
            _skipped(job, error)
        else:
            log.exception("periodic job %s (%s) failed", job.name, job.task)
        return False
    finally:
        # This thread outlives any request: give back its connection like one would.
        close_old_connections()
    return True


class Scheduler:
    """Decides which jobs are due and runs them one after another."""

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs

    def run_pending(self) -> float:
        """Run every job due now; return the seconds until the next one is."""
        wait = MAX_SLEEP_SECONDS
        for job in self.jobs:
            if job.last_run_at is None or job.schedule.is_due(job.last_run_at).is_due:
                job.last_run_at = celery_app.now()
                run_job(job)
            wait = min(wait, job.schedule.is_due(job.last_run_at).next)
        return max(wait, 0.0)


class InProcessSchedule:
    """A thread that runs the schedule while this process holds ``lock_path``."""

    def __init__(
        self,
        *,
        lock_path: Path,
        jobs: list[Job] | None = None,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.lock_path = lock_path
        self.scheduler = Scheduler(jobs_from_schedule() if jobs is None else jobs)
        self.retry_seconds = retry_seconds
        self._stop = threading.Event()
        self._lock_file: IO[bytes] | None = None
        self._thread: threading.Thread | None = None

    @property
    def is_leader(self) -> bool:
        """True while this process holds the lock and so runs the schedule."""
        return self._lock_file is not None

    def start(self) -> None:
        # Registers every installed app's tasks (not import_default_modules: in a web
        # process that would run django.setup() and the system checks again).
        celery_app.autodiscover_tasks(force=True)
        self._thread = threading.Thread(target=self._run, name="idverify-periodic", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop after the job it is running, and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _try_lock(self) -> bool:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.lock_path.open("a+b")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode("ascii"))
        handle.flush()
        self._lock_file = handle
        return True

    def _release(self) -> None:
        handle, self._lock_file = self._lock_file, None
        if handle is not None:
            handle.close()  # closing drops the flock

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self._lock_file is None:
                    try:
                        elected = self._try_lock()
                    except OSError:
                        log.exception("periodic scheduler cannot use %s", self.lock_path)
                        elected = False
                    if not elected:
                        self._stop.wait(self.retry_seconds)
                        continue
                    log.info(
                        "periodic scheduler running in process %d: %s",
                        os.getpid(),
                        ", ".join(job.name for job in self.scheduler.jobs),
                    )
                try:
                    wait = self.scheduler.run_pending()
                except Exception:
                    # run_job never raises; this is a bug in scheduling itself.
                    log.exception("periodic scheduler pass failed")
                    wait = self.retry_seconds
                self._stop.wait(wait)
        finally:
            self._release()


def start_in_process() -> InProcessSchedule | None:
    """Start the in-process schedule unless a broker (so a Celery beat) is configured."""
    if settings.CELERY_BROKER_URL:
        log.info("CELERY_BROKER_URL is set: periodic tasks are Celery beat's to run")
        return None
    schedule = InProcessSchedule(lock_path=Path(settings.VAR_DIR) / "periodic.lock")
    schedule.start()
    return schedule
