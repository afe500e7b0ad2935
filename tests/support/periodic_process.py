"""One process running the in-process schedule with the probe job, until killed.

python -m tests.support.periodic_process LOCK_PATH PROBE_PATH
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import django


def main(lock_path: str, probe_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idverify.settings")
    django.setup()
    from idverify.periodic import InProcessSchedule, jobs_from_schedule
    from tests.support import periodic_probe  # noqa: F401 - registers the probe task

    jobs = jobs_from_schedule(
        {"probe": {"task": "tests.periodic_probe", "schedule": 0.1, "args": [probe_path]}}
    )
    InProcessSchedule(lock_path=Path(lock_path), jobs=jobs, retry_seconds=0.1).start()
    print("started", flush=True)  # noqa: T201 - read by the test
    threading.Event().wait()


if __name__ == "__main__":
    main(*sys.argv[1:3])
