"""Gunicorn's settings and hooks for every web node (the Procfile's ``web``, the
Dockerfile, ``make run``: each passes ``-c idverify/gunicorn_config.py``).

Each worker listens on a socket of its own (``reuse_port``): the kernel then
spreads new connections over the workers. With one shared socket, whichever worker
woke first accepted a burst of connections, and a client that keeps its connection
(a reverse proxy's pool, a model API's verifier) stays with the worker that
accepted it: 32 kept-alive connections to a node of two workers all went to one
of them in four trials of eight, leaving the other worker's CPU idle while the
first served everything under one interpreter lock. With a socket each they split
between 11 and 21 of 32. The price: connections still waiting in a worker's
queue when that worker dies are reset, not handed to another; and a second node
started by mistake on a port already in use joins it instead of failing.

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

reuse_port = True

_schedule: Any = None


def post_worker_init(worker: Any) -> None:
    global _schedule  # noqa: PLW0603 - one per worker process, stopped in worker_exit
    # Imported here: this file is read by the arbiter too, which never loads Django.
    from idverify.periodic import start_in_process

    _schedule = start_in_process()


def worker_exit(server: Any, worker: Any) -> None:
    if _schedule is not None:
        _schedule.stop(timeout=5)
