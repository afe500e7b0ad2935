from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from attestations import apis

urlpatterns: list[URLPattern | URLResolver] = [
    path("attestations", apis.AttestationCreateApi.as_view(), name="api-attestations"),
    path(
        "attestations/current",
        apis.AttestationCurrentApi.as_view(),
        name="api-attestation-current",
    ),
    path(
        "declarations/current",
        apis.DeclarationCurrentApi.as_view(),
        name="api-declaration-current",
    ),
    path("documents", apis.DocumentCreateApi.as_view(), name="api-documents"),
    path("documents/<str:document_id>", apis.DocumentDetailApi.as_view(), name="api-document"),
]
