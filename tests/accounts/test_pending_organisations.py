"""A pending organisation cannot use the server to mass-mail: few invitations, no imports."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from accounts.models import EnrolmentJob, Invitation, Organization, User
from accounts.services.enrolments import enrolment_commit, enrolment_submit
from accounts.services.invitations import invitation_create, invitation_resend
from idverify.errors import Conflict
from tests.accounts.factories import HEADER, csv_bytes, csv_file, staff_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(org: Organization) -> Organization:
    Organization.objects.filter(pk=org.pk).update(status=Organization.Status.PENDING)
    org.refresh_from_db()
    return org


def _submit(owner: User, org: Organization, mode: str) -> EnrolmentJob:
    data = csv_bytes(HEADER, *staff_rows(3))
    return enrolment_submit(
        actor=owner,
        organization=org,
        file=csv_file(data),
        filename="s.csv",
        size=len(data),
        mode=mode,
    )


def test_a_pending_organisation_invites_a_few_people_then_must_wait(
    owner: User, pending: Organization, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IDV_PENDING_ORG_INVITATIONS = 2
    with django_capture_on_commit_callbacks(execute=True):
        first = invitation_create(actor=owner, organization=pending, email="a@example.com")
        invitation_create(actor=owner, organization=pending, email="b@example.com")
    with pytest.raises(Conflict, match="can send 2 invitations"):
        invitation_create(actor=owner, organization=pending, email="c@example.com")
    with pytest.raises(Conflict):
        invitation_resend(actor=owner, organization=pending, invitation=first)
    assert Invitation.objects.filter(organization=pending).count() == 2
    assert len(mail.outbox) == 2
    Organization.objects.filter(pk=pending.pk).update(status=Organization.Status.VERIFIED)
    pending.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=owner, organization=pending, email="c@example.com")
    assert len(mail.outbox) == 3


def test_a_pending_organisation_checks_files_but_imports_only_once_verified(
    owner: User, pending: Organization
) -> None:
    dry_run = _submit(owner, pending, EnrolmentJob.Mode.DRY_RUN)
    assert dry_run.mode == EnrolmentJob.Mode.DRY_RUN
    for mode in (EnrolmentJob.Mode.COMMIT, EnrolmentJob.Mode.COMMIT_VALID_ONLY):
        with pytest.raises(Conflict, match="not verified yet"):
            _submit(owner, pending, mode)
    dry_run.refresh_from_db()
    with pytest.raises(Conflict, match="not verified yet"):
        enrolment_commit(actor=owner, organization=pending, dry_run=dry_run, valid_only=False)
    assert not Invitation.objects.exists()
    assert not mail.outbox
