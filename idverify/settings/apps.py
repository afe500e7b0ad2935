"""Installed apps, middleware, templates, static and media files."""

from __future__ import annotations

from pathlib import Path

from idverify.env import env_str
from idverify.settings.base import BASE_DIR, DEBUG, VAR_DIR

# --- Applications ---------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Before allauth, so our templates override its layout.
    "idverify",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on per organisation (sso): allauth's OIDC and SAML providers, one
    # SocialApp per organisation.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "audit",
    "accounts",
    "geo",
    "attestations",
    "screening",
    "entitlements",
    "scim",
    "sso",
]

MIDDLEWARE = [
    "idverify.middleware.RequestIdMiddleware",
    # Read-only paths may read the replica (DATABASE_REPLICA_URL); a no-op without one.
    "idverify.db_router.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "idverify.middleware.SecurityHeadersMiddleware",
    # The JWKS and the revocation document, from ready bytes: nothing below is needed.
    "entitlements.middleware.PolledDocumentsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "idverify.middleware.ApiErrorShapeMiddleware",
    # Sessions, CSRF, the session's user and messages: Django's, skipped only for API
    # requests that carry no cookie (idverify/browser_middleware.py).
    "idverify.browser_middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "idverify.browser_middleware.CsrfViewMiddleware",
    "idverify.browser_middleware.AuthenticationMiddleware",
    "idverify.browser_middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before anything reads the body (the CSRF check, at view time); after the session
    # and user are known, so its page has the person's own header.
    "idverify.middleware.RequestSizeLimitMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication and allauth: privileged people pass a second factor first.
    "accounts.second_factor.middleware.SecondFactorMiddleware",
    # Innermost, so it sees a view's exception first: a database outage is a 503, a
    # domain error its page (idverify/page_errors.py).
    "idverify.page_errors.PageErrorsMiddleware",
]

ROOT_URLCONF = "idverify.urls"
WSGI_APPLICATION = "idverify.wsgi.application"
ASGI_APPLICATION = "idverify.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "idverify.context_processors.site",
                "geo.context_processors.geo_data",
            ],
        },
    },
]

# --- Internationalisation and static files ---------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("IDV_MEDIA_ROOT") or VAR_DIR / "media")
