from __future__ import annotations

from django.urls import path

from accounts import apis

urlpatterns = [
    path("me", apis.MeApi.as_view(), name="api-me"),
    path("api-keys", apis.ApiKeyListCreateApi.as_view(), name="api-keys"),
    path("api-keys/<str:key_id>", apis.ApiKeyRevokeApi.as_view(), name="api-key-revoke"),
    path(
        "organizations/<str:org_id>/members",
        apis.OrganizationMembersApi.as_view(),
        name="api-organization-members",
    ),
]
