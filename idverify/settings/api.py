"""The REST API: authentication, throttles, errors and the OpenAPI schema."""

from __future__ import annotations

from idverify.env import env_int, env_str

# --- API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Fixed-window counters, one cache increment a request (accounts/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.AnonRateThrottle",
        "accounts.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("IDV_THROTTLE_ANON", "120/min"),
        "user": env_str("IDV_THROTTLE_USER", "6000/min"),
        "auth": env_str("IDV_THROTTLE_AUTH", "10/min"),
    },
    "EXCEPTION_HANDLER": "idverify.api_errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "idverify.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "idverify API",
    "DESCRIPTION": "U.S.-person verification and signed entitlement tokens for model APIs.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# How long each process serves a verified API key, and the memberships /me lists, from its
# own copy: a revoked key or a deactivated person is refused at once where the change was
# made and within this many seconds everywhere else (accounts/selectors/api_key_cache.py,
# memberships.py; idverify/recent_reads.py). 0: read every time. At
# most a minute: a slip of the finger must not leave revoked keys working for an hour.
IDV_API_KEY_CACHE_SECONDS = env_int("IDV_API_KEY_CACHE_SECONDS", 5, minimum=0, maximum=60)
# Failed bearer-token attempts allowed per client address per minute before 429.
IDV_AUTH_FAILURES_PER_MINUTE = env_int("IDV_AUTH_FAILURES_PER_MINUTE", 20, minimum=1)
