"""The compliance officers' review console."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from accounts.selectors.users import request_user
from attestations.countries import country_name
from attestations.forms import ReviewDecisionForm
from attestations.models import ReviewReason, UsPersonStatus
from attestations.selectors import document_get, document_mrz_text, review_queue
from attestations.services import document_review_decide
from attestations.wording import check_rows
from idverify.errors import DomainError
from idverify.forms import apply_domain_error


@login_required
@never_cache
def review_list_view(request: HttpRequest) -> HttpResponse:
    queue = review_queue(viewer=request_user(request))
    rows = [
        {"document": d, "reasons": [ReviewReason(code).label for code in d.review_reasons]}
        for d in queue[:200]
    ]
    return render(request, "attestations/review_list.html", {"rows": rows})


@login_required
@never_cache
def review_detail_view(request: HttpRequest, document_id: str) -> HttpResponse:
    officer = request_user(request)
    review_queue(viewer=officer)  # officers only: anyone else gets the 403 page
    document = document_get(viewer=officer, public_id=document_id)
    form = ReviewDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_review_decide(
                officer=officer,
                document_public_id=document.public_id,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Decision recorded. The person can see it now.")
            return redirect("review-list")
    attestation = document.attestation
    context = {
        "document": document,
        "attestation": attestation,
        "attested_status": UsPersonStatus(attestation.status).label if attestation else "",
        "citizenships": [country_name(c) for c in attestation.citizenships] if attestation else [],
        "reasons": [ReviewReason(code).label for code in document.review_reasons],
        "mrz": document_mrz_text(document=document),
        "checks": check_rows(document.checks),
        "form": form,
    }
    return render(
        request, "attestations/review_detail.html", context, status=400 if form.errors else 200
    )
