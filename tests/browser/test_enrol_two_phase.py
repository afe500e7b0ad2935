"""Bulk enrolment in a real browser: dry run, then import the valid rows; pages pass axe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from accounts.models import EnrolmentJob, Invitation, Organization, RosterEntry, User
from accounts.services.enrolments import enrolment_submit
from accounts.services.invitations import new_invitation
from tests.accounts.factories import HEADER, csv_bytes, csv_file
from tests.support.browser import axe_check, browser_login
from tests.support.factories import PASSWORD
from tests.support.people import enrol_totp

pytestmark = [pytest.mark.browser]


STAFF = csv_bytes(
    HEADER,
    "ada@example.com,Ada,Lovelace,E1,Research,yes",
    "grace@example.com,Grace,Hopper,E2,Navy,no",
    "not-an-email,Bad,Row,E3,,",
    "ada@example.com,Ada,Twice,E4,,",
)


def test_an_admin_checks_a_file_then_imports_the_valid_rows(
    page: Any, owner: User, org: Organization
) -> None:
    enrol_totp(owner)
    browser_login(page, owner.email, PASSWORD)
    page.goto(f"/organizations/{org.public_id}/enrolments")
    axe_check(page, "enrolments")
    assert page.get_by_role("link", name=re.compile("Download the template")).is_visible()
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": STAFF}]
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/enrolments/[0-9a-f-]+/$"))
    assert "nothing has changed yet" in page.content()
    counts = page.locator(".counts").inner_text()
    assert re.search(r"2\s+new", counts)
    assert re.search(r"2\s+invalid", counts)
    problems = page.get_by_role("table").inner_text()
    assert "This is not a valid email address." in problems
    assert "already on line 2" in problems
    assert not RosterEntry.objects.exists()
    axe_check(page, "enrolment-dry-run")

    page.get_by_role("button", name=re.compile("Import the 2 valid changes only")).click()
    page.wait_for_url(re.compile(r"/enrolments/[0-9a-f-]+/$"))
    assert "Import valid rows only of staff.csv" in page.content()
    assert re.search(r"2\s+new", page.locator(".counts").inner_text())
    axe_check(page, "enrolment-imported")
    assert sorted(RosterEntry.objects.values_list("email", flat=True)) == [
        "ada@example.com",
        "grace@example.com",
    ]
    assert Invitation.objects.count() == 2

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the results")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == HEADER + ",status,error,line,screening"


def test_a_running_job_shows_a_progress_bar_that_polls(
    page: Any, owner: User, org: Organization
) -> None:
    data = csv_bytes(HEADER, "ada@example.com,Ada,Lovelace,,,")
    finished = enrolment_submit(
        actor=owner,
        organization=org,
        file=csv_file(data),
        filename="s.csv",
        size=len(data),
        mode="dry_run",
    )  # tasks run in-process here, so this one is done at once
    # A second job on the same file, left queued as behind a busy worker.
    job = EnrolmentJob.objects.create(
        organization=org, upload=finished.upload, created_by=owner, mode="dry_run"
    )
    enrol_totp(owner)
    browser_login(page, owner.email, PASSWORD)
    with page.expect_response(
        re.compile(f"/api/v1/organizations/.+/enrolments/{job.public_id}")
    ) as polled:
        page.goto(f"/organizations/{org.public_id}/enrolments/{job.public_id}/")
    assert polled.value.json()["status"] == "queued"
    assert page.get_by_label("Progress").is_visible()
    assert page.locator("#job-progress-refresh").is_hidden()  # the script took over
    axe_check(page, "enrolment-progress")
    job.refresh_from_db()
    assert job.status == "queued"


def test_organisation_pages_pass_axe(
    page: Any, owner: User, teammate: User, org: Organization
) -> None:
    invitation = new_invitation(
        organization=org, email="invited@example.com", invited_by=owner, role="member"
    )
    invitation.save()
    enrol_totp(owner)
    browser_login(page, owner.email, PASSWORD)
    for section in ("", "members", "invitations", "sponsorships"):
        page.goto(f"/organizations/{org.public_id}/{section}")
        axe_check(page, f"organization-{section or 'overview'}")
    page.goto(f"/organizations/{org.public_id}/invitations")
    page.get_by_role("button", name="Resend the invitation to invited@example.com").click()
    assert "new link is on its way" in page.get_by_role("status").inner_text()
    page.goto(f"/organizations/{org.public_id}/members")
    page.get_by_label(f"New role for {teammate.email}").select_option("org_admin")
    page.get_by_role("button", name=f"Change role of {teammate.email}").click()
    assert "is now organisation admin" in page.get_by_role("status").inner_text()
