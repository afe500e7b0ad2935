"""Without Celery beat the web server runs the periodic schedule itself, exactly once."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.signals import task_postrun
from django.conf import settings
from django.test import Client
from pytest_django.fixtures import Settings

from idverify.periodic import InProcessSchedule, jobs_from_schedule, start_in_process
from tests.support import periodic_probe

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def finished() -> Iterator[list[tuple[str, str]]]:
    """(task name, final state) of every task run from now on, in any thread."""
    seen: list[tuple[str, str]] = []

    def record(sender: Any = None, state: str | None = None, **_: Any) -> None:
        seen.append((sender.name, str(state)))

    task_postrun.connect(record, weak=False)
    yield seen
    task_postrun.disconnect(record)


@pytest.fixture
def schedules(tmp_path: Path) -> Iterator[Callable[..., InProcessSchedule]]:
    made: list[InProcessSchedule] = []

    def make(entries: dict[str, dict[str, object]] | None = None) -> InProcessSchedule:
        jobs = None if entries is None else jobs_from_schedule(entries)
        schedule = InProcessSchedule(
            lock_path=tmp_path / "periodic.lock", jobs=jobs, retry_seconds=0.1
        )
        made.append(schedule)
        schedule.start()
        return schedule

    yield make
    for schedule in made:
        schedule.stop()


@pytest.mark.django_db(transaction=True)
def test_every_entry_of_the_beat_schedule_runs_and_succeeds(
    schedules: Callable[..., InProcessSchedule],
    finished: list[tuple[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    expected = {str(entry["task"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "entitlements.revocations_heartbeat" in expected
    assert "audit.seal_pending" in expected
    assert "entitlements.assurance_recheck" in expected
    with caplog.at_level(logging.ERROR, logger="idverify.periodic"):
        schedule = schedules()  # the real schedule, read from settings
        wait_for(lambda: expected <= {name for name, _ in finished}, 60, "every task to run")
        schedule.stop()
    assert schedule.is_leader is False  # it let go of the lock on stopping
    assert {name for name, state in finished if state == "SUCCESS"} >= expected
    assert not caplog.records


def test_a_new_schedule_entry_is_picked_up_without_code_changes(
    settings: Settings, tmp_path: Path
) -> None:
    probe_file = tmp_path / "probe"
    settings.CELERY_BEAT_SCHEDULE = {
        **settings.CELERY_BEAT_SCHEDULE,
        "added-later": {
            "task": "tests.periodic_probe",
            "schedule": 60.0,
            "args": [str(probe_file)],
        },
    }
    names = {job.name: job.task for job in jobs_from_schedule()}
    assert names["added-later"] == "tests.periodic_probe"
    assert set(names) == set(settings.CELERY_BEAT_SCHEDULE)


def test_jobs_repeat_on_their_schedule(
    schedules: Callable[..., InProcessSchedule], tmp_path: Path
) -> None:
    probe_file = tmp_path / "probe"
    schedules(
        {"probe": {"task": "tests.periodic_probe", "schedule": 0.1, "args": [str(probe_file)]}}
    )
    wait_for(lambda: probe_file.exists() and len(probe_file.read_text().split()) >= 3, 10, "3 runs")


def test_a_failing_job_is_logged_and_the_others_keep_running(
    schedules: Callable[..., InProcessSchedule],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    probe_file = tmp_path / "probe"

    def failures() -> int:
        return sum("periodic job explode" in record.getMessage() for record in caplog.records)

    with caplog.at_level(logging.ERROR, logger="idverify.periodic"):
        schedules(
            {
                "explode": {"task": "tests.periodic_explode", "schedule": 0.1},
                "unknown": {"task": "tests.no_such_task", "schedule": 0.1},
                "probe": {
                    "task": "tests.periodic_probe",
                    "schedule": 0.1,
                    "args": [str(probe_file)],
                },
            }
        )
        wait_for(lambda: failures() >= 3, 10, "the failing job to be retried")
        wait_for(lambda: len(probe_file.read_text().split()) >= 3, 10, "the probe to keep running")
    assert any("tests.no_such_task" in record.getMessage() for record in caplog.records)
    assert any(record.exc_info for record in caplog.records)


def test_an_unreadable_entry_is_left_out_and_the_rest_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="idverify.periodic"):
        jobs = jobs_from_schedule(
            {
                "no-task": {"schedule": 5.0},
                "bad-schedule": {"task": "audit.seal_pending", "schedule": "hourly"},
                "good": {"task": "audit.seal_pending", "schedule": 10.0},
            }
        )
    assert [job.name for job in jobs] == ["good"]
    assert "no-task" in caplog.text
    assert "bad-schedule" in caplog.text


@pytest.mark.django_db
def test_a_running_job_never_holds_up_a_request(
    schedules: Callable[..., InProcessSchedule], client: Client
) -> None:
    periodic_probe.started.clear()
    periodic_probe.release.clear()
    schedules({"hold": {"task": "tests.periodic_hold", "schedule": 60.0}})
    try:
        assert periodic_probe.started.wait(10)
        response = client.get("/healthz")  # served while the job is still running
        assert response.status_code == 200
        assert not periodic_probe.release.is_set()
    finally:
        periodic_probe.release.set()


def test_two_schedules_on_one_lock_run_one_scheduler(
    schedules: Callable[..., InProcessSchedule], tmp_path: Path
) -> None:
    probe_file = tmp_path / "probe"
    entries = {
        "probe": {"task": "tests.periodic_probe", "schedule": 0.1, "args": [str(probe_file)]}
    }
    first, second = schedules(entries), schedules(entries)
    wait_for(lambda: first.is_leader or second.is_leader, 5, "a leader")
    time.sleep(0.5)
    assert [first.is_leader, second.is_leader].count(True) == 1


def start_process(lock: Path, probe: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(  # noqa: S603 - this interpreter, this repository's module
        [sys.executable, "-m", "tests.support.periodic_process", str(lock), str(probe)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "started"
    return process


def runners(probe: Path) -> list[int]:
    return [int(pid) for pid in probe.read_text().split()] if probe.exists() else []


def test_two_processes_elect_one_scheduler_and_the_other_takes_over_when_it_dies(
    tmp_path: Path,
) -> None:
    lock, probe = tmp_path / "periodic.lock", tmp_path / "probe"
    processes = [start_process(lock, probe), start_process(lock, probe)]
    try:
        both_up = len(runners(probe))  # both have started their schedule by now
        wait_for(lambda: len(runners(probe)) >= both_up + 10, 20, "10 more runs")
        ran = set(runners(probe)[both_up:])
        assert len(ran) == 1, f"more than one process ran the schedule: {ran}"
        leader = ran.pop()
        assert leader in {process.pid for process in processes}
        assert int(lock.read_text()) == leader
        # The leader crashes: the kernel drops its lock, and the other one takes over.
        survivor = next(process for process in processes if process.pid != leader)
        os.kill(leader, signal.SIGKILL)
        before = len(runners(probe))
        wait_for(lambda: survivor.pid in runners(probe)[before:], 20, "the survivor to take over")
        assert set(runners(probe)[before:]) <= {survivor.pid, leader}
        assert int(lock.read_text()) == survivor.pid
    finally:
        for process in processes:
            process.kill()
            process.wait(timeout=10)


def test_with_a_broker_the_schedule_is_left_to_celery_beat(settings: Settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert start_in_process() is None


def test_the_quick_start_runs_gunicorn_with_the_hooks_that_start_the_schedule() -> None:
    # `make run` is the install step and then the `quickstart` target, which serves.
    run_target = (ROOT / "Makefile").read_text().split("\nquickstart:", 1)[1].split("\n\n", 1)[0]
    assert "-c idverify/gunicorn_config.py" in run_target
    assert re.search(r"--workers [2-9]", run_target)


@pytest.mark.slow
def test_a_quick_start_server_with_two_workers_runs_one_scheduler(tmp_path: Path) -> None:
    """The real thing: gunicorn, two workers, SQLite, the configuration ``make run`` uses."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL")
    }
    env.update(IDV_QUICKSTART="1", IDV_VAR_DIR=str(tmp_path), LOG_LEVEL="INFO")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log_file:
        server = subprocess.Popen(  # noqa: S603
            [
                *(sys.executable, "-m", "gunicorn", "idverify.wsgi:application"),
                *("-c", "idverify/gunicorn_config.py", "--bind", "127.0.0.1:0"),
                *("--workers", "2", "--threads", "2", "--log-level", "info"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    lock = tmp_path / "periodic.lock"

    def schedulers() -> list[str]:
        return re.findall(r"periodic scheduler running in process (\d+)", log_path.read_text())

    def booted_workers() -> int:
        return len(re.findall(r"Booting worker with pid", log_path.read_text()))

    try:
        wait_for(lambda: booted_workers() >= 2 and len(schedulers()) >= 1, 60, "a scheduler")
        time.sleep(7)  # more than a heartbeat period and the standby's retry interval
        log = log_path.read_text()
        assert len(schedulers()) == 1, log
        assert int(lock.read_text()) == int(schedulers()[0])
        assert log.count("Task entitlements.revocations_heartbeat") >= 2, log
        assert "periodic job" not in log, log  # no job failed
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
