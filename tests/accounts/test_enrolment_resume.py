"""Enrolment jobs cut off part-way: resumed without lost or doubled rows, or given up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from accounts.enrolment import apply as enrolment_apply
from accounts.enrolment.runner import MAX_ATTEMPTS, enrolment_job_run
from accounts.models import (
    EnrolmentJob,
    EnrolmentResultChunk,
    EnrolmentUpload,
    Invitation,
    Organization,
    RosterEntry,
    User,
)
from accounts.services.enrolments import enrolments_prune, enrolments_resume_stalled
from audit.models import AuditEvent
from tests.accounts.factories import HEADER, csv_bytes, staff_rows
from tests.accounts.test_enrolment_jobs import Status, counts, result_rows, run, submit
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "case",
    [
        # A duplicate after the crash point: the emails seen before it are remembered.
        ("commit_valid_only", "apply", 50, "DUP@example.com,C,D,,,"),
        ("commit", "check", 0, "last@example.com,C,D,,,"),
    ],
)
def test_a_job_cut_off_mid_way_resumes_without_duplicates_or_lost_rows(
    owner: User,
    org: Organization,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str, str, int, str],
) -> None:
    mode, phase, written, last = case
    settings.IDV_ENROLMENT_CHUNK_ROWS = 10
    rows = [*staff_rows(95), "dup@example.com,A,B,,,", last]
    # commit_valid_only imports from the start; commit checks every row first.
    job = submit(owner, org, csv_bytes(HEADER, *rows), mode=mode)
    real = enrolment_apply.classify
    calls = {"n": 0}

    def dies_on_the_sixth_chunk(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 6:
            raise SystemExit("worker killed")  # what a kill looks like from inside
        return real(**kwargs)

    monkeypatch.setattr("accounts.enrolment.runner.classify", dies_on_the_sixth_chunk)
    with pytest.raises(SystemExit):
        enrolment_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.phase, job.checkpoint_line) == (Status.RUNNING, phase, 51)
    assert RosterEntry.objects.count() == written
    monkeypatch.setattr("accounts.enrolment.runner.classify", real)
    job = run(job)
    assert (job.status, job.error_code) == (Status.SUCCEEDED, "")
    imported = 96 if last.startswith("DUP") else 97
    assert counts(job) == (imported, 0, 0, 97 - imported)
    assert job.attempts == 1  # taken up twice, but the second made progress
    assert RosterEntry.objects.count() == imported
    assert Invitation.objects.count() == imported
    assert [int(r["line"]) for r in result_rows(job)] == list(range(2, 99))
    assert AuditEvent.objects.filter(action="enrolment.rows_applied").count() == 10


def test_invitations_a_killed_worker_committed_but_never_queued_are_sent_on_resuming(
    owner: User,
    org: Organization,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.IDV_ENROLMENT_CHUNK_ROWS = 10
    emails = [f"person{n}@staff.example.com" for n in range(30)]
    job = submit(owner, org, csv_bytes(HEADER, *staff_rows(30)), mode="commit_valid_only")
    real = enrolment_apply.classify
    calls = {"n": 0}

    def dies_on_the_third_chunk(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")
        return real(**kwargs)

    monkeypatch.setattr("accounts.enrolment.runner.classify", dies_on_the_third_chunk)
    # Killed after two chunks committed, before their emails were handed to the queue
    # (that hand-over runs after each commit): the callbacks that would do it never run.
    with django_capture_on_commit_callbacks(execute=False) as lost, pytest.raises(SystemExit):
        enrolment_job_run(job_id=job.pk)
    assert len(lost) == 2
    assert Invitation.objects.count() == 20
    monkeypatch.setattr("accounts.enrolment.runner.classify", real)

    with django_capture_on_commit_callbacks(execute=True):
        job = run(job)
    assert job.status == Status.SUCCEEDED
    assert sorted(message.to[0] for message in mail.outbox) == sorted(emails)  # each once
    assert set(Invitation.objects.values_list("emailed_generation", flat=True)) == {1}


def test_a_stalled_job_is_picked_up_again_and_a_hopeless_one_given_up(
    owner: User, org: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    job = submit(owner, org, csv_bytes(HEADER, *staff_rows(3)), mode="commit")
    EnrolmentJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=1), attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert enrolments_resume_stalled() == 1
    job.refresh_from_db()
    assert (job.status, job.count_new) == (Status.SUCCEEDED, 3)

    doomed = submit(owner, org, csv_bytes(HEADER, *staff_rows(3)), mode="dry_run")
    EnrolmentJob.objects.filter(pk=doomed.pk).update(attempts=MAX_ATTEMPTS)
    doomed = run(doomed)
    assert (doomed.status, doomed.error_code) == (Status.FAILED, "too_many_attempts")


def test_old_uploads_and_results_are_pruned(owner: User, org: Organization, settings: Any) -> None:
    job = run(submit(owner, org, csv_bytes(HEADER, *staff_rows(2))))
    EnrolmentUpload.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert enrolments_prune() > 0
    assert not EnrolmentJob.objects.filter(pk=job.pk).exists()
    assert not EnrolmentResultChunk.objects.exists()
    assert AuditEvent.objects.filter(action="enrolment.succeeded").exists()


def test_a_person_who_joined_is_not_invited_by_a_later_upload(
    owner: User, org: Organization
) -> None:
    person = UserFactory.create(email="joined@example.com")
    from accounts.models import Membership

    Membership.objects.create(user=person, organization=org)
    job = run(submit(owner, org, csv_bytes(HEADER, "joined@example.com,Jo,Ined,,,"), "commit"))
    assert counts(job) == (1, 0, 0, 0)
    assert not Invitation.objects.exists()


def test_a_job_that_keeps_killing_its_worker_is_given_up(
    owner: User, org: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = submit(owner, org, csv_bytes(HEADER, *staff_rows(3)), mode="commit_valid_only")

    def always_dies(**kwargs: Any) -> Any:
        raise SystemExit("out of memory")

    monkeypatch.setattr("accounts.enrolment.runner.classify", always_dies)
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(SystemExit):
            enrolment_job_run(job_id=job.pk)
    job = run(job)
    assert (job.status, job.error_code) == (Status.FAILED, "too_many_attempts")
    assert not RosterEntry.objects.exists()
