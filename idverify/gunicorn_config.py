"""Gunicorn hooks for the quick start (``make run`` passes ``-c idverify/gunicorn_config.py``).

Each worker, once it has loaded the application, starts the in-process
periodic schedule (``idverify.periodic``); a file lock lets exactly one of
them run it, and another takes over when that worker exits. Not in the
arbiter: it forks workers, and forking while a scheduler thread holds a lock
(a database driver's, logging's) can leave the child deadlocked; nor would
the arbiter's copy fail over. With ``CELERY_BROKER_URL`` set nothing starts:
Celery beat runs the schedule.
"""

from __future__ import annotations

from typing import Any

_schedule: Any = None


def post_worker_init(worker: Any) -> None:
    global _schedule  # noqa: PLW0603 - one per worker process, stopped in worker_exit
    # Imported here: this file is read by the arbiter too, which never loads Django.
    from idverify.periodic import start_in_process

    _schedule = start_in_process()


def worker_exit(server: Any, worker: Any) -> None:
    if _schedule is not None:
        _schedule.stop(timeout=5)
