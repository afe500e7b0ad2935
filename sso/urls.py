from django.urls import path

from sso import views

urlpatterns = [
    # Before allauth's own URLs (idverify.urls), so the sign-in page has the SSO step.
    path("accounts/login/", views.login_view, name="account_login"),
    path("accounts/sso/", views.sso_start_view, name="sso-start"),
    path("organizations/<str:org_id>/sso", views.sso_settings_view, name="sso-settings"),
    path(
        "organizations/<str:org_id>/sso/mandatory",
        views.sso_mandatory_view,
        name="sso-mandatory",
    ),
    path("organizations/<str:org_id>/sso/remove", views.sso_remove_view, name="sso-remove"),
]
