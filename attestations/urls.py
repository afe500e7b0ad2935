from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from attestations.views import attest, documents, review, status, vendors

urlpatterns: list[URLPattern | URLResolver] = [
    path("status/", status.verification_status_view, name="verification-status"),
    path("attest/", attest.attest_start_view, name="attest-start"),
    path("attest/<str:step>/", attest.attest_step_view, name="attest-step"),
    path("documents/", documents.document_new_view, name="document-new"),
    path("documents/<str:document_id>/", documents.document_detail_view, name="document-detail"),
    path("documents/<str:document_id>/file", documents.document_file_view, name="document-file"),
    path(
        "documents/<str:document_id>/delete-image",
        documents.document_image_remove_view,
        name="document-image-delete",
    ),
    path("verify/<str:vendor>/start", vendors.vendor_start_view, name="vendor-start"),
    path(
        "webhooks/stripe/identity",
        vendors.vendor_webhook_view,
        {"vendor": "stripe_identity"},
        name="webhook-stripe-identity",
    ),
    path("review/", review.review_list_view, name="review-list"),
    path("review/<str:document_id>/", review.review_detail_view, name="review-detail"),
]
