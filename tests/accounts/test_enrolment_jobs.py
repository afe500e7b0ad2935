"""Enrolment jobs: dry run, import, idempotent re-upload, results and their pages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.enrolment.results import results_csv
from accounts.enrolment.runner import enrolment_job_run
from accounts.models import (
    EnrolmentJob,
    EnrolmentResultChunk,
    EnrolmentUpload,
    EnrolmentUploadPart,
    Invitation,
    Organization,
    RosterEntry,
    User,
)
from accounts.services.enrolments import enrolment_commit, enrolment_submit
from idverify.errors import Conflict, PermissionDenied
from tests.accounts.factories import HEADER, csv_bytes, csv_file, staff_rows
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

Status = EnrolmentJob.Status


def submit(owner: User, org: Organization, data: bytes, mode: str = "dry_run") -> EnrolmentJob:
    return enrolment_submit(
        actor=owner,
        organization=org,
        file=csv_file(data),
        filename="staff.csv",
        size=len(data),
        mode=mode,
    )


def run(job: EnrolmentJob) -> EnrolmentJob:
    enrolment_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def counts(job: EnrolmentJob) -> tuple[int, int, int, int]:
    return (job.count_new, job.count_updated, job.count_unchanged, job.count_invalid)


def result_rows(job: EnrolmentJob) -> list[dict[str, str]]:
    text = "".join(results_csv(job))
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


MIXED = csv_bytes(
    HEADER,
    "ada@example.com,Ada,Lovelace,E1,Research,yes",
    "not-an-email,Bad,Email,,,",
    "grace@example.com,,Hopper,E2,,no",
    "ADA@example.com,Ada,Again,E3,,",
    "alan@example.com,Alan,Turing,E4,Maths,maybe",
    "linus@example.com,Linus,Torvalds,E5,Kernel,no,extra",
    "edsger@example.com,Edsger," + "D" * 151 + ",E6,,",
    "ken@example.com,Ken,Thompson,E7,Unix\x07,",
    "barbara@example.com,Barbara,Liskov,E8,,n",
)


def test_a_dry_run_reports_every_problem_and_changes_nothing(
    owner: User, org: Organization
) -> None:
    job = run(submit(owner, org, MIXED))
    assert job.status == Status.SUCCEEDED
    assert counts(job) == (2, 0, 0, 7)
    assert not RosterEntry.objects.exists()
    assert not Invitation.objects.exists()
    errors = {(e["line"], e["column"], e["code"]) for c in job.chunks.all() for e in c.errors}
    assert errors == {
        (3, "email", "invalid_email"),
        (4, "given_name", "required"),
        (5, "email", "duplicate_email"),
        (6, "sponsor", "invalid_choice"),
        (7, "", "wrong_field_count"),
        (8, "family_name", "too_long"),
        (9, "department", "invalid_characters"),
    }
    duplicate = next(e for c in job.chunks.all() for e in c.errors if e["line"] == 5)
    assert "line 2" in duplicate["message"]


def test_an_import_refuses_to_start_while_rows_are_invalid(owner: User, org: Organization) -> None:
    job = run(submit(owner, org, MIXED, mode="commit"))
    assert job.status == Status.REFUSED
    assert job.error_code == "invalid_rows"
    assert counts(job) == (2, 0, 0, 7)
    assert not RosterEntry.objects.exists()
    assert [r["status"] for r in result_rows(job)].count("invalid") == 7


def test_importing_the_valid_rows_only_enrols_them_and_invites_once(
    owner: User, org: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = submit(owner, org, MIXED, mode="commit_valid_only")
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED
    assert counts(job) == (2, 0, 0, 7)
    entries = {e.email: e for e in RosterEntry.objects.filter(organization=org)}
    assert set(entries) == {"ada@example.com", "barbara@example.com"}
    assert entries["ada@example.com"].sponsor is True
    assert entries["barbara@example.com"].sponsor is False
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "barbara@example.com"]
    assert Invitation.objects.filter(emailed_generation=1).count() == 2


def test_uploading_the_same_file_again_changes_nothing_and_sends_nothing(
    owner: User, org: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    data = csv_bytes(HEADER, *staff_rows(25))
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(owner, org, data, mode="commit")
    first.refresh_from_db()
    assert counts(first) == (25, 0, 0, 0)
    assert len(mail.outbox) == 25
    with django_capture_on_commit_callbacks(execute=True):
        again = submit(owner, org, csv_bytes(HEADER, *staff_rows(25)), mode="commit")
    again.refresh_from_db()
    assert counts(again) == (0, 0, 25, 0)
    assert {r["status"] for r in result_rows(again)} == {"unchanged"}
    assert len(mail.outbox) == 25
    assert RosterEntry.objects.count() == 25
    assert Invitation.objects.count() == 25


def test_a_changed_row_is_an_update_keyed_on_the_lowercased_email(
    owner: User, org: Organization
) -> None:
    run(
        submit(
            owner, org, csv_bytes(HEADER, "Ada@Example.com,Ada,Lovelace,E1,Research,no"), "commit"
        )
    )
    job = run(
        submit(
            owner, org, csv_bytes(HEADER, "ada@EXAMPLE.com,Ada,Lovelace,E1,Engines,yes"), "commit"
        )
    )
    assert counts(job) == (0, 1, 0, 0)
    entry = RosterEntry.objects.get()
    assert (entry.email, entry.department, entry.sponsor) == ("ada@example.com", "Engines", True)


def test_existing_members_are_linked_and_not_invited(
    owner: User, teammate: User, org: Organization, stranger: User
) -> None:
    data = csv_bytes(
        HEADER,
        f"{teammate.email.upper()},Team,Mate,,,",
        f"{stranger.email},Str,Anger,,,",
    )
    run(submit(owner, org, data, mode="commit"))
    assert RosterEntry.objects.get(email=teammate.email).user == teammate
    assert RosterEntry.objects.get(email=stranger.email).user is None
    assert list(Invitation.objects.values_list("email", flat=True)) == [stranger.email]


def test_an_expired_open_invitation_is_renewed_not_duplicated(
    owner: User, org: Organization
) -> None:
    run(submit(owner, org, csv_bytes(HEADER, "late@example.com,Late,Comer,,,"), "commit"))
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    RosterEntry.objects.all().delete()
    run(submit(owner, org, csv_bytes(HEADER, "late@example.com,Late,Comer,,,"), "commit"))
    invitation = Invitation.objects.get()
    assert invitation.generation == 2
    assert invitation.expires_at > timezone.now()


def test_the_results_csv_has_the_input_columns_status_and_error_and_defuses_formulas(
    owner: User, org: Organization
) -> None:
    data = csv_bytes(
        HEADER,
        'eve@example.com,"=HYPERLINK(""http://evil.example"",""x"")",+Evil,@SUM(1),-2,',
        "=cmd@example.com,X,Y,,,",
        "mallory@example.com,\u00a0=2+2,\uff1d3+3,\u3000@A1,\ufeff-1,",
        '"\u2003\uff1df5@bcorp.example", =1+1,Z,,,',
    )
    job = run(submit(owner, org, data))
    rows = result_rows(job)
    assert list(rows[0]) == [
        "email",
        "given_name",
        "family_name",
        "employee_id",
        "department",
        "sponsor",
        "status",
        "error",
        "line",
        "screening",
    ]
    assert rows[0]["given_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert (rows[0]["family_name"], rows[0]["employee_id"], rows[0]["department"]) == (
        "'+Evil",
        "'@SUM(1)",
        "'-2",
    )
    assert (rows[0]["status"], rows[0]["line"]) == ("new", "2")
    # An address that starts like a formula is refused (and defused in the export too).
    assert rows[1]["email"] == "'=cmd@example.com"
    assert rows[1]["status"] == "invalid"
    assert "spreadsheets would run it as a formula" in rows[1]["error"]
    # Leading spaces and invisible characters do not hide a formula, nor fullwidth signs.
    assert (rows[2]["given_name"], rows[2]["family_name"]) == ("'\u00a0=2+2", "'\uff1d3+3")
    assert (rows[2]["employee_id"], rows[2]["department"]) == ("'\u3000@A1", "'\ufeff-1")
    assert (rows[3]["email"], rows[3]["given_name"]) == ("'\u2003\uff1df5@bcorp.example", "' =1+1")
    assert rows[3]["status"] == "invalid"
    assert not RosterEntry.objects.filter(
        email__in=["=cmd@example.com", "\uff1df5@bcorp.example"]
    ).exists()


def test_the_upload_and_results_are_encrypted_at_rest(owner: User, org: Organization) -> None:
    job = run(submit(owner, org, csv_bytes(HEADER, "secret.person@example.com,Secret,Person,,,")))
    stored = b"".join(bytes(p.data) for p in EnrolmentUploadPart.objects.all())
    stored += b"".join(bytes(c.data) for c in EnrolmentResultChunk.objects.filter(job=job))
    assert stored
    assert b"secret.person" not in stored
    assert b"Secret" not in stored


def test_the_two_phase_flow_imports_a_checked_dry_run_once(owner: User, org: Organization) -> None:
    dry_run = run(submit(owner, org, MIXED))
    with pytest.raises(Conflict, match="7 invalid rows"):
        enrolment_commit(actor=owner, organization=org, dry_run=dry_run, valid_only=False)
    job = run(enrolment_commit(actor=owner, organization=org, dry_run=dry_run, valid_only=True))
    assert (job.mode, job.status, job.source_job) == (
        "commit_valid_only",
        Status.SUCCEEDED,
        dry_run,
    )
    assert RosterEntry.objects.count() == 2
    with pytest.raises(Conflict):
        enrolment_commit(actor=owner, organization=org, dry_run=dry_run, valid_only=True)
    # The file itself (personal data) is deleted once imported; the results stay.
    assert not EnrolmentUploadPart.objects.exists()
    assert len(result_rows(job)) == 9


def test_a_clean_dry_run_is_imported_without_checking_twice(owner: User, org: Organization) -> None:
    dry_run = run(submit(owner, org, csv_bytes(HEADER, *staff_rows(3))))
    job = enrolment_commit(actor=owner, organization=org, dry_run=dry_run, valid_only=False)
    assert (job.mode, job.phase) == ("commit", "apply")
    assert counts(run(job)) == (3, 0, 0, 0)


def test_one_running_job_per_organisation(
    owner: User, org: Organization, other_org: Organization
) -> None:
    submit(owner, org, csv_bytes(HEADER, *staff_rows(2)))
    with pytest.raises(Conflict, match="Another enrolment is running"):
        submit(owner, org, csv_bytes(HEADER, *staff_rows(2)))
    first = EnrolmentJob.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentJob.objects.create(organization=org, upload=first.upload, mode="dry_run")
    outsider_upload = EnrolmentUpload.objects.create(
        organization=other_org, filename="x.csv", size=1, sha256="", rows_total=1
    )
    EnrolmentJob.objects.create(organization=other_org, upload=outsider_upload, mode="dry_run")


def test_members_and_suspended_organisations_cannot_enrol(
    owner: User, teammate: User, org: Organization
) -> None:
    with pytest.raises(PermissionDenied):
        submit(teammate, org, csv_bytes(HEADER, *staff_rows(1)))
    Organization.objects.filter(pk=org.pk).update(status=Organization.Status.SUSPENDED)
    org.refresh_from_db()
    with pytest.raises(Conflict, match="suspended"):
        submit(owner, org, csv_bytes(HEADER, *staff_rows(1)))


def test_a_dry_run_with_no_valid_change_offers_no_import_button(
    client: Any, owner: User, org: Organization
) -> None:
    job = run(submit(owner, org, csv_bytes(HEADER, "not-an-email,Ada,Lovelace,E1,,")))
    assert counts(job) == (0, 0, 0, 1)
    sign_in_with_second_factor(client, owner)
    html = client.get(f"/organizations/{org.public_id}/enrolments/{job.public_id}/").content
    page = html.decode()
    assert "Import the 0" not in page
    assert "<button" not in page.split("<h3>Summary</h3>", 1)[1].split("Invalid rows", 1)[0]
    assert "No valid row would change anything: fix the invalid rows below" in page
