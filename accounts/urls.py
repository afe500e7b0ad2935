from __future__ import annotations

from django.urls import path

from accounts import views

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/api-keys/", views.api_key_create, name="account-api-key-create"),
    path(
        "account/api-keys/<str:key_id>/revoke", views.api_key_revoke, name="account-api-key-revoke"
    ),
]
