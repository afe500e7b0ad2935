"""The verification status page: level, what models need, and the next step."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.selectors.users import request_user
from attestations import vendors
from attestations.countries import country_name
from attestations.models import US_PERSON_STATUSES, Attestation, UsPersonStatus, VendorVerification
from attestations.progress import LEVEL_MEANING, next_step, tier_needs
from attestations.selectors import attestation_current, document_list, verification_status


@login_required
@never_cache
def verification_status_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    status = verification_status(user=user)
    attestation = attestation_current(user=user)
    last = Attestation.objects.filter(user=user).order_by("-signed_at").first()
    documents = list(document_list(viewer=user)[:10])
    # The person's own verifications only; what the vendor said, as last fetched.
    verifications = list(
        VendorVerification.objects.filter(user=user).order_by("-created_at", "-id")[:5]
    )
    can_evidence = bool(attestation and attestation.status in US_PERSON_STATUSES)
    context = {
        "status": status,
        "level_meaning": LEVEL_MEANING[status.level],
        "attestation": attestation,
        "attested_status": UsPersonStatus(attestation.status).label if attestation else "",
        "citizenships": [country_name(c) for c in attestation.citizenships] if attestation else [],
        "geo_flagged": bool(
            attestation and not attestation.geo_clean and not attestation.geo_cleared_at
        ),
        "next": next_step(
            status=status,
            attestation=attestation,
            last_attestation=last,
            latest_document=documents[0] if documents else None,
        ),
        "documents": documents,
        "tiers": tier_needs(user, status),
        "vendors": vendors.offered() if can_evidence else [],
        "vendor_verifications": verifications,
        "vendor_pending_label": vendors.vendor_label(verifications[0].vendor)
        if verifications
        else "",
        "vendor_pending": bool(
            verifications
            and verifications[0].outcome
            in (VendorVerification.Outcome.STARTED, VendorVerification.Outcome.PROCESSING)
        ),
    }
    return render(request, "attestations/status.html", context)
