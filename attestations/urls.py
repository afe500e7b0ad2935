from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from attestations.views import attest, documents, review, status, vendors

urlpatterns: list[URLPattern | URLResolver] = [
    path("status/", status.verification_status_page, name="verification-status"),
    path("attest/", attest.attest_start, name="attest-start"),
    path("attest/<str:step>/", attest.attest_step, name="attest-step"),
    path("documents/", documents.document_new, name="document-new"),
    path("documents/<str:document_id>/", documents.document_detail, name="document-detail"),
    path("documents/<str:document_id>/file", documents.document_file, name="document-file"),
    path(
        "documents/<str:document_id>/delete-image",
        documents.document_image_remove,
        name="document-image-delete",
    ),
    path("verify/<str:vendor>/start", vendors.vendor_start, name="vendor-start"),
    path(
        "webhooks/stripe/identity",
        vendors.vendor_webhook,
        {"vendor": "stripe_identity"},
        name="webhook-stripe-identity",
    ),
    path("review/", review.review_list, name="review-list"),
    path("review/<str:document_id>/", review.review_detail, name="review-detail"),
]
