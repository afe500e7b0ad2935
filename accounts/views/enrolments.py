"""Bulk enrolment pages: upload (always a dry run first), progress, import, results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.enrolment import results
from accounts.forms import EnrolmentUploadForm
from accounts.models import EnrolmentJob, Organization
from accounts.selectors.enrolments import enrolment_job_get, enrolment_job_list, enrolment_progress
from accounts.selectors.users import request_user
from accounts.services import enrolments
from accounts.views.common import error_text, org_context, organization_for
from idverify.errors import DomainError
from idverify.forms import apply_domain_error

ERRORS_SHOWN = 200


def _render_list(
    request: HttpRequest, org: Organization, form: EnrolmentUploadForm
) -> HttpResponse:
    context = org_context(request, org, "enrolments")
    context.update(
        {
            "form": form,
            "jobs": enrolment_job_list(viewer=request_user(request), organization=org)[:20],
        }
    )
    return render(
        request,
        "accounts/organizations/enrolments.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
def enrolment_list_view(request: HttpRequest, org_id: str) -> HttpResponse:
    if request.method != "POST":
        org = organization_for(request, org_id, manage=True)
        return _render_list(request, org, EnrolmentUploadForm())
    org = organization_for(request, org_id, manage=True, write=True)
    form = EnrolmentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = enrolments.enrolment_submit(
                actor=request_user(request),
                organization=org,
                file=upload.file,
                filename=upload.name or "",
                size=upload.size or 0,
                mode=EnrolmentJob.Mode.DRY_RUN,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("organization-enrolment", org_id=org_id, job_id=job.public_id)
    return _render_list(request, org, form)


def _job(request: HttpRequest, org: Organization, job_id: str) -> EnrolmentJob:
    return enrolment_job_get(viewer=request_user(request), organization=org, public_id=job_id)


@login_required
def enrolment_detail_view(request: HttpRequest, org_id: str, job_id: str) -> HttpResponse:
    org = organization_for(request, org_id, manage=True)
    job = _job(request, org, job_id)
    context = org_context(request, org, "enrolments")
    context.update(
        {
            "job": job,
            "progress": enrolment_progress(job),
            "errors": results.errors_page(job, offset=0, limit=ERRORS_SHOWN),
            "errors_total": results.error_total(job),
            "errors_shown": ERRORS_SHOWN,
            "can_import": (
                job.mode == EnrolmentJob.Mode.DRY_RUN
                and job.status == EnrolmentJob.Status.SUCCEEDED
                and job.upload.purged_at is None
                and not EnrolmentJob.objects.filter(source_job=job)
                .exclude(status=EnrolmentJob.Status.FAILED)
                .exists()
            ),
            "next_jobs": EnrolmentJob.objects.filter(source_job=job),
        }
    )
    return render(request, "accounts/organizations/enrolment.html", context)


@login_required
@require_POST
def enrolment_commit_view(request: HttpRequest, org_id: str, job_id: str) -> HttpResponse:
    org = organization_for(request, org_id, manage=True, write=True)
    dry_run = _job(request, org, job_id)
    try:
        job = enrolments.enrolment_commit(
            actor=request_user(request),
            organization=org,
            dry_run=dry_run,
            valid_only=request.POST.get("valid_only") == "1",
        )
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect("organization-enrolment", org_id=org_id, job_id=job_id)
    return redirect("organization-enrolment", org_id=org_id, job_id=job.public_id)


@login_required
def enrolment_results_view(request: HttpRequest, org_id: str, job_id: str) -> StreamingHttpResponse:
    org = organization_for(request, org_id, manage=True)
    job = _job(request, org, job_id)
    return results.results_response(job)


@login_required
def enrolment_template_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(results.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="enrolment-template.csv"'
    return response
