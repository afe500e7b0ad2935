"""Bulk CSV enrolment for programs: upload, poll progress, import a dry run, results."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.enrolment import results
from accounts.models import EnrolmentJob, Organization
from accounts.selectors.enrolments import enrolment_job_get, enrolment_job_list, enrolment_progress
from accounts.selectors.organizations import organization_get_managed
from accounts.selectors.users import request_user
from accounts.services import enrolments
from idverify.api_input import StrictInput
from idverify.errors import DomainError
from idverify.openapi import ApiError

# Room for the multipart envelope around a file of the maximum size.
_ENVELOPE = 64 * 1024
ERRORS_PAGE = 500


class UploadTooLarge(DomainError):
    code = "file_too_large"
    status = 413
    default_message = "The upload is larger than the limit."


class EnrolmentOutput(serializers.Serializer[Any]):
    job_id = serializers.UUIDField(source="public_id")
    mode = serializers.CharField()
    status = serializers.CharField()
    phase = serializers.CharField()
    progress = serializers.FloatField(help_text="0 to 1")
    rows_total = serializers.IntegerField(source="upload.rows_total")
    rows_done = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    error = serializers.DictField(allow_null=True, help_text="Why the job failed or was refused")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    results_url = serializers.CharField()


class ErrorOutput(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    column = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


def _job_data(job: EnrolmentJob, organization: Organization) -> dict[str, Any]:
    return dict(
        EnrolmentOutput(
            {
                "public_id": job.public_id,
                "mode": job.mode,
                "status": job.status,
                "phase": job.phase,
                "progress": enrolment_progress(job),
                "upload": job.upload,
                "rows_done": job.rows_done,
                "counts": {
                    "new": job.count_new,
                    "updated": job.count_updated,
                    "unchanged": job.count_unchanged,
                    "invalid": job.count_invalid,
                },
                "error": (
                    {"code": job.error_code, "message": job.error_message}
                    if job.error_code
                    else None
                ),
                "created_at": job.created_at,
                "finished_at": job.finished_at,
                "results_url": reverse(
                    "api-enrolment-results",
                    kwargs={"org_id": organization.public_id, "job_id": job.public_id},
                ),
            }
        ).data
    )


class EnrolmentListCreateApi(APIView):
    class InputSerializer(StrictInput):
        file = serializers.FileField(
            help_text="CSV, UTF-8 with or without BOM, at most 10 MB and 100,000 rows; "
            "columns email, given_name, family_name (required), employee_id, department, "
            "sponsor (yes/no)",
            allow_empty_file=True,
        )
        mode = serializers.ChoiceField(choices=EnrolmentJob.Mode.choices)

    @extend_schema(responses=EnrolmentOutput(many=True), summary="Recent enrolment jobs")
    def get(self, request: Request, org_id: str) -> Response:
        viewer = request_user(request)
        org = organization_get_managed(viewer=viewer, public_id=org_id)
        jobs = enrolment_job_list(viewer=viewer, organization=org)[:50]
        return Response([_job_data(job, org) for job in jobs])

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={
            202: EnrolmentOutput,
            409: ApiError("The organisation cannot enrol now, or a job is already running."),
        },
        summary="Upload a CSV: dry run, commit, or commit the valid rows only",
    )
    def post(self, request: Request, org_id: str) -> Response:
        viewer = request_user(request)
        org = organization_get_managed(viewer=viewer, public_id=org_id, write=True)
        limit: int = settings.IDV_ENROLMENT_MAX_BYTES
        # Refuse before the view reads the body. (A session caller's CSRF check reads it
        # first; IDV_MAX_REQUEST_BYTES bounds that, in idverify.middleware.)
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit + _ENVELOPE:
            raise UploadTooLarge(
                f"The file is larger than the {limit // 1_048_576} MB limit; split it."
            )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        job = enrolments.enrolment_submit(
            actor=viewer,
            organization=org,
            file=upload.file,
            filename=upload.name or "",
            size=upload.size or 0,
            mode=serializer.validated_data["mode"],
        )
        job.refresh_from_db()
        return Response(_job_data(job, org), status=status.HTTP_202_ACCEPTED)


def _job(request: Request, org_id: str, job_id: str) -> tuple[Organization, EnrolmentJob]:
    viewer = request_user(request)
    org = organization_get_managed(viewer=viewer, public_id=org_id)
    return org, enrolment_job_get(viewer=viewer, organization=org, public_id=job_id)


class EnrolmentDetailApi(APIView):
    # "errors" would shadow Serializer.errors in a class body, so the schema is inline.
    OutputSerializer = inline_serializer(
        name="EnrolmentDetail",
        fields={
            **EnrolmentOutput().get_fields(),
            "errors": ErrorOutput(many=True),
            "errors_total": serializers.IntegerField(),
            "errors_offset": serializers.IntegerField(),
        },
    )

    @extend_schema(
        parameters=[
            OpenApiParameter("errors_offset", OpenApiTypes.INT, description="Skip this many"),
        ],
        responses=OutputSerializer,
        summary=f"Status, progress, counts and row errors ({ERRORS_PAGE} per page)",
    )
    def get(self, request: Request, org_id: str, job_id: str) -> Response:
        org, job = _job(request, org_id, job_id)
        try:
            offset = max(int(request.query_params.get("errors_offset", 0)), 0)
        except ValueError:
            offset = 0
        data = _job_data(job, org)
        data["errors"] = results.errors_page(job, offset=offset, limit=ERRORS_PAGE)
        data["errors_total"] = results.error_total(job)
        data["errors_offset"] = offset
        return Response(data)


class EnrolmentCommitApi(APIView):
    class InputSerializer(StrictInput):
        valid_only = serializers.BooleanField(
            default=False, help_text="Import the valid rows even though some are invalid"
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            202: EnrolmentOutput,
            409: ApiError("It is not a finished dry run, or it was imported already."),
        },
        summary="Import the file a finished dry run checked",
    )
    def post(self, request: Request, org_id: str, job_id: str) -> Response:
        viewer = request_user(request)
        org = organization_get_managed(viewer=viewer, public_id=org_id, write=True)
        dry_run = enrolment_job_get(viewer=viewer, organization=org, public_id=job_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = enrolments.enrolment_commit(
            actor=viewer,
            organization=org,
            dry_run=dry_run,
            valid_only=serializer.validated_data["valid_only"],
        )
        job.refresh_from_db()
        return Response(_job_data(job, org), status=status.HTTP_202_ACCEPTED)


class EnrolmentResultsApi(APIView):
    @extend_schema(
        responses={(200, "text/csv"): OpenApiTypes.STR},
        summary="Results CSV: the input columns plus status, error and line",
    )
    def get(self, request: Request, org_id: str, job_id: str) -> StreamingHttpResponse:
        _, job = _job(request, org_id, job_id)
        return results.results_response(job)


class EnrolmentTemplateApi(APIView):
    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR}, summary="The CSV template")
    def get(self, request: Request) -> HttpResponse:
        response = HttpResponse(results.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="enrolment-template.csv"'
        return response
