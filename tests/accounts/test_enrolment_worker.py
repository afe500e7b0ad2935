"""A worker killed mid-job (SIGKILL) and a fresh one started: the job finishes, whole.

Real Redis broker, real worker processes, the real PostgreSQL test database.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kombu.pools
import pytest

from accounts.enrolment.services import enrolment_submit
from accounts.models import (
    EnrolmentJob,
    EnrolmentResultChunk,
    Invitation,
    Organization,
    RosterEntry,
    User,
)
from tests.accounts.factories import HEADER, csv_bytes, csv_file, staff_rows
from tests.support.celery_worker import Worker, broker_app, celery_worker

pytestmark = [pytest.mark.broker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROWS = 3000
CHUNK = 25
VISIBILITY = 3


@pytest.fixture(autouse=True)
def _fresh_kombu_pools() -> Iterator[None]:
    """broker_app() closes the app's connection pool, but Kombu's global producer
    registry keeps pools keyed by broker URL: a later test on the same Redis would be
    handed the closed one. Clear the registry once this test is done."""
    yield
    kombu.pools.reset()


def _wait(condition: Any, worker: Worker, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline or worker.process.poll() is not None:
            pytest.fail(f"Timed out waiting for {what}. Worker log:\n{worker.log()[-4000:]}")
        time.sleep(0.05)


def test_a_killed_worker_leaves_a_job_the_next_worker_finishes_exactly_once(
    tmp_path: Path, owner: User, org: Organization, settings: Any
) -> None:
    queue = "enrol-kill-test"
    settings.IDV_ACCOUNTS_TASK_QUEUE = queue
    env = {
        "IDV_ACCOUNTS_TASK_QUEUE": queue,
        "IDV_ENROLMENT_CHUNK_ROWS": str(CHUNK),
        # Redis hands an unacknowledged task out again only after this many seconds.
        "IDV_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    data = csv_bytes(HEADER, *staff_rows(ROWS), "person7@staff.example.com,Dup,Licate,,,")
    with broker_app(), celery_worker(tmp_path, queue=queue, extra_env=env) as first:
        job = enrolment_submit(
            actor=owner,
            organization=org,
            file=csv_file(data),
            filename="staff.csv",
            size=len(data),
            mode="commit_valid_only",
        )

        def mid_job() -> bool:
            job.refresh_from_db()
            return job.rows_done >= ROWS // 4

        _wait(mid_job, first, "the job to get a quarter of the way")
        first.kill()
    job.refresh_from_db()
    killed_at = job.rows_done
    assert job.status == EnrolmentJob.Status.RUNNING
    assert 0 < killed_at < ROWS
    assert RosterEntry.objects.count() == killed_at  # only whole chunks were committed
    first_log = first.log()

    time.sleep(VISIBILITY + 1)
    with broker_app(), celery_worker(tmp_path, queue=queue, extra_env=env) as second:

        def finished() -> bool:
            job.refresh_from_db()
            unsent = Invitation.objects.filter(emailed_generation=0).exists()
            return job.status == EnrolmentJob.Status.SUCCEEDED and not unsent

        _wait(finished, second, "the second worker to finish the job and its emails")
        second_log = second.log()

    assert "enrolment_run" in second_log  # the second worker took the job up
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
    sent = re.findall(r"^To: (\S+)$", first_log + second_log, flags=re.MULTILINE)
    assert len(sent) == len(set(sent)) == ROWS  # every invitation emailed, none twice
