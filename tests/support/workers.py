"""Each pytest-xdist worker gets its own copy of everything tests write to.

Loaded with ``-p tests.support.workers`` (scripts/test.sh), so it runs before
pytest-django reads the settings, and rewrites the environment the settings and
the tests read:

- PostgreSQL: pytest-django already gives each worker its own test database
  (``test_<name>_gw0``, ``_gw1``...); nothing to do here.
- ``CACHE_URL`` (a ``file://`` directory, emptied before every test): one
  directory per worker, or one worker's emptying would reset another's counters.
- ``IDV_TEST_REDIS_URL`` (the queue tests' broker): the database number plus the
  worker's index, so worker ``gw1`` of ``redis://host:6379/12`` uses ``/13``.
- ``IDV_VAR_DIR`` and a file-backed SQLite ``DATABASE_URL``: one per worker.

Outside xdist (``-n 0``, or a single test run) nothing changes.
"""

from __future__ import annotations

import os
import re

REDIS_DATABASES = 16  # Redis's default `databases`


def worker_index(worker: str) -> int:
    """``gw3`` -> 3."""
    match = re.fullmatch(r"gw(\d+)", worker)
    if match is None:
        raise ValueError(f"unexpected pytest-xdist worker id {worker!r}")
    return int(match.group(1))


def redis_url_for(url: str, index: int) -> str:
    """``url`` with its database number moved up by ``index``."""
    head, _, tail = url.partition("://")
    location, slash, rest = tail.partition("/")
    base = int(rest.split("?", 1)[0] or 0) if slash else 0
    query = rest.partition("?")[2]
    database = base + index
    if database >= REDIS_DATABASES:
        raise ValueError(
            f"IDV_TEST_REDIS_URL={url!r} leaves no Redis database for worker {index}: "
            f"use a lower database number, or fewer workers (-n)."
        )
    return f"{head}://{location}/{database}" + (f"?{query}" if query else "")


def per_worker_environment(environ: dict[str, str], worker: str) -> dict[str, str]:
    """The variables to change for ``worker`` (``gw0``, ``gw1``...)."""
    index = worker_index(worker)
    changes: dict[str, str] = {}
    cache = environ.get("CACHE_URL", "")
    if cache.startswith("file://"):
        changes["CACHE_URL"] = f"{cache.rstrip('/')}-{worker}"
    redis = environ.get("IDV_TEST_REDIS_URL")
    if redis:
        changes["IDV_TEST_REDIS_URL"] = redis_url_for(redis, index)
    var_dir = environ.get("IDV_VAR_DIR")
    if var_dir:
        changes["IDV_VAR_DIR"] = f"{var_dir.rstrip('/')}-{worker}"
    database = environ.get("DATABASE_URL", "")
    if database.startswith("sqlite:///") and database.endswith(".sqlite3"):
        changes["DATABASE_URL"] = f"{database.removesuffix('.sqlite3')}-{worker}.sqlite3"
    return changes


_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker:
    os.environ.update(per_worker_environment(dict(os.environ), _worker))
