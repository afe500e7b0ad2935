"""Uploading documents, typing their MRZ, seeing their checks, deleting their images."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors.users import request_user
from attestations.forms import DocumentForm, MrzTypeForm
from attestations.models import Document, ReviewReason
from attestations.selectors import (
    attestation_current,
    document_get,
    document_list,
    document_mrz_text,
    document_ocr_prefill,
)
from attestations.services import (
    document_image_delete,
    document_mrz_submit,
    document_submit,
    upload_limits,
)
from attestations.storage import purpose_for, sealed_file_read
from attestations.uploads import refuse_oversized_request
from attestations.wording import check_rows, rejection_for_person
from audit.services import audit_record
from idverify.errors import DomainError, NotFound
from idverify.forms import apply_domain_error


def _read_upload(form: DocumentForm) -> bytes | None:
    upload = form.cleaned_data.get("file")
    if not upload:
        return None
    # Read one byte past the limit: enough to refuse, never the whole of a huge file.
    return bytes(upload.read(upload_limits().max_bytes + 1))


@login_required
@never_cache
def document_new_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    try:
        refuse_oversized_request(request.META.get("CONTENT_LENGTH"), limits=upload_limits())
    except DomainError as error:
        # The file is not read. The CSRF check has parsed the other fields already
        # (IDV_MAX_REQUEST_BYTES caps what it reads): they come back as they were sent,
        # with the refusal beside the file field and any other problem beside its own.
        form = DocumentForm(request.POST)
        form.full_clean()
        form.errors.pop("file", None)  # it was sent; it is only too large
        apply_domain_error(form, error)
        return _document_page(request, form, status=413)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_submit(
                user=user,
                document_type=form.cleaned_data["document_type"],
                file_data=_read_upload(form),
                mrz=form.cleaned_data["mrz"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("document-detail", document_id=document.public_id)
    return _document_page(request, form, status=400 if form.errors else 200)


def _document_page(request: HttpRequest, form: DocumentForm, *, status: int) -> HttpResponse:
    user = request_user(request)
    context = {
        "form": form,
        "attestation": attestation_current(user=user),
        "documents": document_list(viewer=user)[:20],
        "retention_days": settings.IDV_DOCUMENT_RETENTION_DAYS,
    }
    return render(request, "attestations/document_new.html", context, status=status)


def _detail(request: HttpRequest, document: Document, form: MrzTypeForm | None) -> HttpResponse:
    user = request_user(request)
    ocr_guess = document_ocr_prefill(document=document)
    if form is None and document.status == Document.Status.NEEDS_INPUT:
        prefill = ocr_guess or document_mrz_text(document=document)
        form = _mrz_form(document, initial={"mrz": prefill, "name_confirmed": True})
    context = {
        "document": document,
        "form": form,
        "review_reasons": [ReviewReason(code).label for code in document.review_reasons],
        "checks": check_rows(document.checks),
        "rejection": (
            rejection_for_person(document) if document.status == Document.Status.REJECTED else ""
        ),
        "is_owner": document.user_id == user.pk,
        "prefilled_from_ocr": bool(ocr_guess),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "attestations/document_detail.html", context, status=status)


def _mrz_form(document: Document, **kwargs: object) -> MrzTypeForm:
    attestation = document.attestation
    name = f"{attestation.given_names} {attestation.family_name}".strip() if attestation else ""
    return MrzTypeForm(attested_name=name, **kwargs)


def _own(request: HttpRequest, document_id: str) -> Document:
    user = request_user(request)
    document = document_get(viewer=user, public_id=document_id)
    if document.user_id != user.pk:
        raise NotFound("No such document.")
    return document


@login_required
@never_cache
def document_detail_view(request: HttpRequest, document_id: str) -> HttpResponse:
    document = _own(request, document_id)
    form = None
    if request.method == "POST":
        form = _mrz_form(document, data=request.POST)
        if form.is_valid():
            try:
                document = document_mrz_submit(
                    user=request_user(request),
                    document_public_id=document.public_id,
                    mrz=form.cleaned_data["mrz"],
                    name_confirmed=form.cleaned_data["name_confirmed"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                return redirect("document-detail", document_id=document.public_id)
    return _detail(request, document, form)


@login_required
@require_GET
@never_cache
def document_file_view(request: HttpRequest, document_id: str) -> HttpResponse:
    """The decrypted file, for its owner or a compliance officer only."""
    viewer = request_user(request)
    document = document_get(viewer=viewer, public_id=document_id)
    if not document.has_image:
        raise NotFound("This document has no image.")
    data = sealed_file_read(name=document.file_name, purpose=purpose_for(document.public_id))
    if document.user_id != viewer.pk:
        audit_record(
            action="document.image_viewed",
            actor=viewer,
            subject_type="document",
            subject_id=document.public_id,
        )
    response = HttpResponse(data, content_type=document.file_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store, private"
    # Shown as a plain image or PDF: nothing in it may run or load anything.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
@require_POST
def document_image_remove_view(request: HttpRequest, document_id: str) -> HttpResponse:
    try:
        document = document_image_delete(user=request_user(request), document_public_id=document_id)
    except NotFound:
        raise  # the page mapping answers it (idverify.page_errors)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("document-new")
    messages.success(request, "The image is deleted. The results of its checks are kept.")
    return redirect("document-detail", document_id=document.public_id)
