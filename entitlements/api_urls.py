from __future__ import annotations

from django.urls import path

from entitlements import apis

urlpatterns = [
    path("tokens", apis.TokenCreateApi.as_view(), name="api-tokens"),
    path("introspect", apis.IntrospectApi.as_view(), name="api-introspect"),
    path("revocations", apis.RevocationsApi.as_view(), name="api-revocations"),
    path("tiers", apis.TierListApi.as_view(), name="api-tiers"),
    path("tiers/<str:slug>", apis.TierDetailApi.as_view(), name="api-tier"),
    path(
        "tiers/<str:slug>/directive",
        apis.TierDirectiveApi.as_view(),
        name="api-tier-directive",
    ),
]
