"""PostgreSQL restarted under load (bench/faults.py on a private cluster): 503s, never 500s.

The figures the run prints are the ones docs/operations.md quotes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow
FAST_RUN = ("--clients", "4", "--before", "3", "--after", "6", "--json")


def test_a_postgres_restart_under_load_answers_503_with_retry_after_and_recovers() -> None:
    run = subprocess.run(  # noqa: S603 - the project's own benchmark
        [sys.executable, "bench/faults.py", *FAST_RUN],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["errors_500"] == 0, report
    assert report["no_answer"] == 0, report  # every request got an HTTP answer
    assert report["unavailable_503"] > 0, report  # the outage was seen: the fault was real
    assert report["unavailable_all_json_with_retry_after"], report
    assert report["by_status"].keys() <= {"201", "503"}, report
    assert report["seconds_to_recover"] is not None, report
    assert report["seconds_to_recover"] < 5, report
    # Bounded: no request waited on the dead database past DB_CONNECT_TIMEOUT (5 s) and then some.
    assert report["slowest_answer_seconds"] < 10, report
    assert report["tracebacks_in_log"] == 0, report
