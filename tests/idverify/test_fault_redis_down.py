"""Redis (cache and broker) killed under a running web node: issuance and verification go
on, and work queued during the outage is done once it is back.

The Redis is a private ``redis-server`` killed with SIGKILL and started again
empty (no persistence): the task message sent during the outage never reached
it. The enrolment job's row is what remembers the work; the periodic sweep
(``accounts.enrolments_resume_stalled``) sends it again, and a worker on the
restored broker finishes it with every row imported once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from pytest_django.fixtures import Settings

from accounts.models import EnrolmentJob, Organization, RosterEntry, User
from accounts.services.api_keys import api_key_create
from accounts.services.enrolments import enrolments_resume_stalled
from entitlements.services.keys import signing_keys_ensure
from idverify.celery import app
from idverify_verifier import Verifier
from tests.accounts.factories import HEADER, csv_bytes, staff_rows
from tests.entitlements.support import person, tier
from tests.support.celery_worker import _reset_pools, start_worker
from tests.support.nodes import (
    PrivateRedis,
    WebNode,
    http,
    node_env,
    private_redis,
    start_web_node,
    this_run_database_url,
    wait_for,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.broker]

ROWS = 6


@contextmanager
def publishing_to(broker: str) -> Iterator[None]:
    """This process's Celery app sends to ``broker`` for the duration."""
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=broker, task_always_eager=False)
    _reset_pools()
    try:
        yield
    finally:
        _reset_pools()
        app.conf.update(saved)


@pytest.fixture
def redis() -> Iterator[PrivateRedis]:
    with private_redis() as server:
        yield server


@pytest.fixture
def queue() -> str:
    return f"redis-down-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def node(tmp_path: Path, redis: PrivateRedis, queue: str) -> Iterator[WebNode]:
    tier("fable-5", min_level=2)
    signing_keys_ensure()
    env = node_env(
        DATABASE_URL=this_run_database_url(),
        CACHE_URL=f"redis://127.0.0.1:{redis.port}/0",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis.port}/1",
        IDV_ACCOUNTS_TASK_QUEUE=queue,
        IDV_VAR_DIR=str(tmp_path / "var"),
        IDV_GEOIP_CITY_DB=str(settings.IDV_GEOIP_CITY_DB),
        IDV_GEOIP_ANONYMOUS_DB=str(settings.IDV_GEOIP_ANONYMOUS_DB),
    )
    started = start_web_node(tmp_path, "a", env)
    try:
        yield started
    finally:
        started.stop()


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key_create(user=user, name='redis down').plaintext}"}


def multipart(data: bytes, mode: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="mode"\r\n\r\n{mode}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="staff.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_with_redis_down_tokens_are_issued_and_verified_and_queued_work_is_not_lost(
    *,
    node: WebNode,
    redis: PrivateRedis,
    queue: str,
    tmp_path: Path,
    settings: Settings,
    owner: User,
    org: Organization,
) -> None:
    person_key = bearer(person(2))
    issue = f"{node.url}/api/v1/tokens"
    assert http("POST", issue, body={"model": "fable-5"}, headers=person_key).status == 201

    redis.kill()
    assert not redis.answers()
    tokens = [http("POST", issue, body={"model": "fable-5"}, headers=person_key) for _ in range(5)]
    assert [t.status for t in tokens] == [201] * 5, tokens[-1].body[:300]
    verifier = Verifier(
        issuer=settings.IDV_BASE_URL,
        audience="fable-5",
        jwks_url=f"{node.url}/.well-known/jwks.json",
        revocations_url=f"{node.url}/api/v1/revocations",
        poll_interval=30,
    )
    try:
        verifier.start()
        assert verifier.verify(tokens[-1].json()["token"]).aud == "fable-5"
    finally:
        verifier.close()
    # Limits are not counted while the cache is away: a wrong key is a plain 401.
    wrong = http("GET", f"{node.url}/api/v1/me", headers={"Authorization": "Bearer idv_pat_x"})
    assert wrong.status == 401, wrong.body[:300]

    body, content_type = multipart(csv_bytes(HEADER, *staff_rows(ROWS)), "commit")
    accepted = http(
        "POST",
        f"{node.url}/api/v1/organizations/{org.public_id}/enrolments",
        body=body,
        headers={**bearer(owner), "Content-Type": content_type},
    )
    assert accepted.status == 202, accepted.body[:300]
    job = EnrolmentJob.objects.get()
    assert job.status == EnrolmentJob.Status.QUEUED
    log = node.log()
    assert "cache unreachable" in log, log[-3000:]
    assert "broker unreachable" in log, log[-3000:]
    assert "Traceback" not in log, log[-3000:]

    redis.start()  # back, empty: the message sent during the outage is gone
    worker = start_worker(
        tmp_path,
        queue=queue,
        name="after-outage",
        extra_env={
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis.port}/1",
            "IDV_ACCOUNTS_TASK_QUEUE": queue,
            "EMAIL_BACKEND": "tests.support.celery_worker.RecordingEmailBackend",
            "IDV_TEST_SENT_MAIL_LOG": str(tmp_path / "sent.log"),
        },
    )
    try:
        settings.IDV_ACCOUNTS_TASK_QUEUE = queue
        settings.IDV_ENROLMENT_STALL_SECONDS = 0
        time.sleep(0.01)  # strictly older than the cut-off
        with publishing_to(f"redis://127.0.0.1:{redis.port}/1"):
            assert enrolments_resume_stalled() == 1  # what beat runs every minute

        def finished() -> bool:
            job.refresh_from_db()
            return job.status == EnrolmentJob.Status.SUCCEEDED

        wait_for(finished, 60, f"the enrolment job to finish:\n{worker.log_tail()}")
        assert RosterEntry.objects.filter(organization=org).count() == ROWS
        wait_for((tmp_path / "sent.log").exists, 30, "the invitations to be sent")
        wait_for(
            lambda: len((tmp_path / "sent.log").read_text().splitlines()) == ROWS,
            30,
            "one invitation per row",
        )
    finally:
        worker.stop()
