"""Tasks travel through a real Redis broker to a real worker process."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import ApiKey, User
from accounts.services.api_keys import api_key_create
from accounts.tasks import api_keys_prune
from idverify.celery import app
from tests.support.celery_worker import broker_app, celery_worker


def test_celery_is_configured_for_json_time_limits_and_a_schedule() -> None:
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"accounts.api_keys_prune", "audit.seal_pending"} <= scheduled
    app.loader.import_default_modules()  # what a worker does at start-up
    assert all(name in app.tasks for name in scheduled)
    assert api_keys_prune.acks_late is True


def test_without_a_broker_tasks_run_in_process(db: None) -> None:
    assert app.conf.task_always_eager is True
    assert api_keys_prune.delay().get() == 0


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_through_redis_in_a_worker_process(tmp_path: Path, owner: User) -> None:
    key = api_key_create(user=owner, name="old").api_key
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now() - timedelta(days=365))

    with celery_worker(tmp_path) as worker, broker_app():
        api_keys_prune.apply_async(queue=worker.queue)
        deadline = time.monotonic() + 60
        while ApiKey.objects.filter(pk=key.pk).exists():
            if time.monotonic() > deadline or worker.process.poll() is not None:
                pytest.fail("The worker did not run the task. Worker log:\n" + worker.log())
            time.sleep(0.2)
        assert "accounts.api_keys_prune" in worker.log()
