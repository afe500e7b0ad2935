from __future__ import annotations

from django.urls import path

from entitlements import apis, tier_apis

urlpatterns = [
    path("tokens", apis.TokenCreateApi.as_view(), name="api-tokens"),
    path("introspect", apis.IntrospectApi.as_view(), name="api-introspect"),
    path("revocations", apis.RevocationsApi.as_view(), name="api-revocations"),
    path("tiers", tier_apis.TierListApi.as_view(), name="api-tiers"),
    path("tiers/<str:slug>", tier_apis.TierDetailApi.as_view(), name="api-tier"),
    path(
        "tiers/<str:slug>/directive",
        tier_apis.TierDirectiveApi.as_view(),
        name="api-tier-directive",
    ),
]
