from __future__ import annotations

from django.urls import path

from entitlements import apis, views

urlpatterns = [
    path(".well-known/jwks.json", apis.JwksApi.as_view(), name="jwks"),
    path(".well-known/idverify", apis.MetadataApi.as_view(), name="idverify-metadata"),
    path("console/", views.console_view, name="console"),
    path("console/tiers/new", views.tier_new_view, name="console-tier-new"),
    path("console/tiers/<str:slug>/edit", views.tier_edit_view, name="console-tier-edit"),
    path(
        "console/tiers/<str:slug>/directive", views.directive_change_view, name="console-directive"
    ),
    path("console/users/", views.user_search_view, name="console-user-search"),
    path("console/users/<str:public_id>/", views.user_detail_view, name="console-user"),
    path(
        "console/users/<str:public_id>/revoke", views.user_revoke_view, name="console-user-revoke"
    ),
    path(
        "console/users/<str:public_id>/restore",
        views.user_restore_view,
        name="console-user-restore",
    ),
    path(
        "console/users/<str:public_id>/tokens/<str:jti>/revoke",
        views.token_revoke_view,
        name="console-token-revoke",
    ),
]
