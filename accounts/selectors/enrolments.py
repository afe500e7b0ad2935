"""An organisation's enrolment jobs and how far each has got."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import EnrolmentJob, Organization, User
from accounts.selectors.memberships import can_manage
from accounts.selectors.users import is_compliance_officer
from idverify.url_ids import get_by_public_id


def enrolment_job_list(*, viewer: User, organization: Organization) -> QuerySet[EnrolmentJob]:
    jobs = EnrolmentJob.objects.filter(organization=organization).select_related(
        "upload", "created_by"
    )
    if can_manage(user=viewer, organization=organization) or is_compliance_officer(viewer):
        return jobs.order_by("-created_at")
    return jobs.none()


def enrolment_job_get(*, viewer: User, organization: Organization, public_id: str) -> EnrolmentJob:
    jobs = enrolment_job_list(viewer=viewer, organization=organization)
    return get_by_public_id(jobs, public_id, what="enrolment job")


def enrolment_progress(job: EnrolmentJob) -> float:
    """0..1 over the job's passes (a commit without a dry run first checks, then imports)."""
    if job.is_finished:
        return 1.0
    total = max(job.upload.rows_total, 1)
    passes = 2 if job.mode == EnrolmentJob.Mode.COMMIT and job.source_job_id is None else 1
    done = job.rows_done + (total if passes == 2 and job.phase == EnrolmentJob.Phase.APPLY else 0)
    return round(min(done / (total * passes), 1.0), 4)
