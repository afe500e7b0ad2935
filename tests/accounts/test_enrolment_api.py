"""The enrolment API programs use: 202 with a job id, then progress, counts and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.enrolment.runner import enrolment_job_run
from accounts.models import EnrolmentJob, Organization, User
from tests.accounts.factories import HEADER, csv_bytes, csv_file, staff_rows
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db


def _post(client: APIClient, org: Organization, data: bytes, mode: str) -> Any:
    return client.post(
        f"/api/v1/organizations/{org.public_id}/enrolments",
        {"file": csv_file(data), "mode": mode},
        format="multipart",
    )


def test_progress_goes_from_queued_to_finished_with_counts_and_errors(
    api_client_for: Callable[[User | None], APIClient],
    owner: User,
    org: Organization,
    settings: Any,
) -> None:
    settings.IDV_ENROLMENT_CHUNK_ROWS = 4
    client = api_client_for(owner)
    data = csv_bytes(HEADER, *staff_rows(9), "bad-email,X,Y,,,", ",,Nobody,,,")
    accepted = _post(client, org, data, "dry_run")  # no on-commit here: the job stays queued
    assert accepted.status_code == 202, accepted.content
    job_id = accepted.json()["job_id"]
    url = f"/api/v1/organizations/{org.public_id}/enrolments/{job_id}"
    queued = client.get(url).json()
    assert (queued["status"], queued["progress"], queued["rows_total"]) == ("queued", 0.0, 11)
    assert queued["errors"] == []

    enrolment_job_run(job_id=EnrolmentJob.objects.get().pk)
    done = client.get(url).json()
    assert (done["status"], done["progress"], done["rows_done"]) == ("succeeded", 1.0, 11)
    assert done["counts"] == {"new": 9, "updated": 0, "unchanged": 0, "invalid": 2}
    assert done["errors"] == [
        {
            "line": 11,
            "column": "email",
            "code": "invalid_email",
            "message": done["errors"][0]["message"],
        },
        {
            "line": 12,
            "column": "email",
            "code": "required",
            "message": "An email address is required.",
        },
        {
            "line": 12,
            "column": "given_name",
            "code": "required",
            "message": done["errors"][2]["message"],
        },
    ]
    assert done["errors_total"] == 3
    second_page = client.get(url, {"errors_offset": 2}).json()
    assert [e["line"] for e in second_page["errors"]] == [12]
    results = client.get(done["results_url"])
    assert results["Content-Type"].startswith("text/csv")
    assert results.getvalue().count(b"\r\n") == 12  # the header and eleven rows


def test_progress_counts_both_passes_of_a_checked_import(
    api_client_for: Callable[[User | None], APIClient],
    owner: User,
    org: Organization,
) -> None:
    client = api_client_for(owner)
    _post(client, org, csv_bytes(HEADER, *staff_rows(10)), "commit")
    job = EnrolmentJob.objects.get()
    url = f"/api/v1/organizations/{org.public_id}/enrolments/{job.public_id}"
    EnrolmentJob.objects.filter(pk=job.pk).update(status="running", rows_done=5)
    assert client.get(url).json()["progress"] == 0.25
    EnrolmentJob.objects.filter(pk=job.pk).update(phase="apply", rows_done=5)
    assert client.get(url).json()["progress"] == 0.75


def test_a_dry_run_is_imported_through_the_commit_endpoint(
    api_client_for: Callable[[User | None], APIClient],
    owner: User,
    org: Organization,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = api_client_for(owner)
    data = csv_bytes(HEADER, *staff_rows(3), "bad,X,Y,,,")
    with django_capture_on_commit_callbacks(execute=True):
        dry_run = _post(client, org, data, "dry_run").json()
    commit_url = f"/api/v1/organizations/{org.public_id}/enrolments/{dry_run['job_id']}/commit"
    assert_api_error(client.post(commit_url, {}, format="json"), 409, "invalid_rows")
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(commit_url, {"valid_only": True}, format="json")
    assert started.status_code == 202
    job = client.get(
        f"/api/v1/organizations/{org.public_id}/enrolments/{started.json()['job_id']}"
    ).json()
    assert (job["mode"], job["status"]) == ("commit_valid_only", "succeeded")
    assert job["counts"] == {"new": 3, "updated": 0, "unchanged": 0, "invalid": 1}


def test_a_second_upload_while_one_runs_is_a_conflict(
    api_client_for: Callable[[User | None], APIClient], owner: User, org: Organization
) -> None:
    client = api_client_for(owner)
    assert _post(client, org, csv_bytes(HEADER, *staff_rows(2)), "dry_run").status_code == 202
    second = _post(client, org, csv_bytes(HEADER, *staff_rows(2)), "dry_run")
    assert_api_error(second, 409, "enrolment_running")


def test_the_template_lists_the_columns(
    api_client_for: Callable[[User | None], APIClient], teammate: User
) -> None:
    response = api_client_for(teammate).get("/api/v1/enrolments/template")
    assert response.content.decode() == HEADER + "\r\n"
    assert "attachment" in response["Content-Disposition"]
