from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

from idverify import views

# The admin signs in through the same login as everyone else (with its rate
# limits and two-factor step), not through a second, weaker login form.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "idverify administration"

handler400 = "idverify.views.bad_request"
handler403 = "idverify.views.permission_denied"
handler404 = "idverify.views.page_not_found"
handler500 = "idverify.views.server_error"

# The API first: its requests, most of the traffic, are resolved without trying the
# web pages' patterns (allauth's alone are dozens). No web pattern starts api/v1/.
# Within it, the entitlements API first: tokens, revocations and introspection are
# what model APIs and their verifiers call thousands of times a second. No two
# apps' API patterns overlap, so the order changes only how soon each is found.
api_patterns: list[URLPattern | URLResolver] = [
    path("", include("entitlements.api_urls")),
    path("", include("accounts.api_urls")),
    path("", include("attestations.api_urls")),
    path("", include("screening.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", views.ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("api/v1/", include(api_patterns)),
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    # Before allauth: the sign-in page's single sign-on step (sso.urls).
    path("", include("sso.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("attestations.urls")),
    path("", include("screening.urls")),
    path("", include("entitlements.urls")),
    # The SCIM endpoint (/scim/v2/) first, as when it was the first of scim.urls.
    path("", include("scim.api_urls")),
    path("", include("scim.urls")),
]
