"""Settings, read from the environment (see the configuration table in README.md).

Two modes:
- production (default): every secret and the database must be given; DEBUG off.
- quick start (``IDV_QUICKSTART=1``, set by ``make run``): SQLite, tasks run
  in-process, secrets generated once into ``var/`` so the service starts on a
  fresh machine with nothing configured.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from idverify.env import env_bool, env_int, env_list, env_secret, env_str
from idverify.logging import logging_config
from idverify.quickstart import quickstart_secret

# Lets typed generics such as ModelAdmin[User] be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("IDV_VAR_DIR") or BASE_DIR / "var")

QUICKSTART = env_bool("IDV_QUICKSTART", False)
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY") or (
    quickstart_secret(VAR_DIR, "secret_key") if QUICKSTART else ""
)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must be set. For a local trial, use `make run`."
    )

# Key-encryption key for secrets at rest (signing keys, document files): 32
# random bytes, base64. Previous keys stay listed until re-encryption is done.
IDV_KEY_ENCRYPTION_KEY = env_secret("IDV_KEY_ENCRYPTION_KEY") or (
    quickstart_secret(VAR_DIR, "key_encryption_key", kind="aes256") if QUICKSTART else ""
)
if not IDV_KEY_ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "IDV_KEY_ENCRYPTION_KEY (or IDV_KEY_ENCRYPTION_KEY_FILE) must be set."
    )
IDV_KEY_ENCRYPTION_KEY_PREVIOUS = [
    k.strip() for k in (env_secret("IDV_KEY_ENCRYPTION_KEY_PREVIOUS") or "").split(",") if k.strip()
]

IDV_BASE_URL = (env_str("IDV_BASE_URL") or ("http://127.0.0.1:8000" if QUICKSTART else "")).rstrip(
    "/"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if QUICKSTART else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [IDV_BASE_URL] if IDV_BASE_URL else [])

# --- Database -----------------------------------------------------------------
_database_url = env_secret("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0)
        )
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Server-side binding; only statements that ask (idverify.db_reads.execute) are
        # prepared, as the huge threshold stops psycopg preparing anything by itself.
        # None turns preparing off, for some poolers (docs/operations.md).
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "server_side_binding": True,
            "prepare_threshold": 2**62 if env_bool("DB_PREPARED_STATEMENTS", True) else None,
        }
elif QUICKSTART:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "idverify.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
else:
    raise ImproperlyConfigured("DATABASE_URL must be set (postgres://user:pass@host:5432/name).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
    "audit",
    "accounts",
    "geo",
    "attestations",
    "entitlements",
]

MIDDLEWARE = [
    "idverify.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "idverify.middleware.SecurityHeadersMiddleware",
    "idverify.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "idverify.middleware.ApiErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
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

# --- Accounts and authentication -----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("IDV_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("IDV_MFA_ISSUER", "idverify") or "idverify"

# --- Email ---------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if QUICKSTART
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "idverify <no-reply@localhost>")

# --- Cache (rate limits, throttles, short-lived lookups) ----------------------------
_cache_url = env_str("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "idverify"}
    )
}

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

# --- Security headers ----------------------------------------------------------------
IDV_HTTPS = env_bool("IDV_HTTPS", IDV_BASE_URL.startswith("https://"))
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if IDV_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IDV_HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = IDV_HTTPS
CSRF_COOKIE_SECURE = IDV_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("IDV_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

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
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
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
# Failed bearer-token attempts allowed per client address per minute before 429.
IDV_AUTH_FAILURES_PER_MINUTE = env_int("IDV_AUTH_FAILURES_PER_MINUTE", 20, minimum=1)

# --- Celery --------------------------------------------------------------------------
CELERY_BROKER_URL = env_secret("CELERY_BROKER_URL") or None
CELERY_RESULT_BACKEND = env_secret("CELERY_RESULT_BACKEND") or None
# Without a broker, tasks run in-process at call time (quick start, small installs).
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540, minimum=5)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "prune-api-keys": {"task": "accounts.api_keys_prune", "schedule": 3600.0},
    "seal-audit-log": {"task": "audit.seal_pending", "schedule": 10.0},
}

# --- Geo signals ---------------------------------------------------------------------
IDV_TRUSTED_PROXIES = env_list("IDV_TRUSTED_PROXIES", [])
IDV_GEOIP_CITY_DB = env_str("IDV_GEOIP_CITY_DB") or (
    str(VAR_DIR / "geoip" / "demo-city.mmdb") if QUICKSTART else None
)
IDV_GEOIP_ANONYMOUS_DB = env_str("IDV_GEOIP_ANONYMOUS_DB") or (
    str(VAR_DIR / "geoip" / "demo-anonymous-ip.mmdb") if QUICKSTART else None
)
IDV_GEOIP_MAX_AGE_DAYS = env_int("IDV_GEOIP_MAX_AGE_DAYS", 35, minimum=1)
# Loopback/private clients pass the places policy only here (development).
IDV_GEO_ALLOW_LOCAL = env_bool("IDV_GEO_ALLOW_LOCAL", QUICKSTART)

# --- Logging -------------------------------------------------------------------------
LOG_LEVEL = (env_str("LOG_LEVEL", "INFO") or "INFO").upper()
LOGGING = logging_config(LOG_LEVEL)

# --- Onboarding: attestations, identity documents, review (attestations app) ---------
IDV_ATTESTATION_VALIDITY_DAYS = env_int("IDV_ATTESTATION_VALIDITY_DAYS", 365, minimum=1)
# Document images are deleted after review or after this many days, whichever is first.
IDV_DOCUMENT_RETENTION_DAYS = env_int("IDV_DOCUMENT_RETENTION_DAYS", 30, minimum=1)
IDV_DOCUMENT_MAX_BYTES = env_int("IDV_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
IDV_DOCUMENT_MAX_PIXELS = env_int("IDV_DOCUMENT_MAX_PIXELS", 40_000_000, minimum=10_000)
IDV_DOCUMENT_MAX_DIMENSION = env_int("IDV_DOCUMENT_MAX_DIMENSION", 10_000, minimum=100)
IDV_DOCUMENT_MAX_PDF_PAGES = env_int("IDV_DOCUMENT_MAX_PDF_PAGES", 10, minimum=1)
# Failed automatic readings of one document before it goes to a person instead.
IDV_DOCUMENT_MAX_ATTEMPTS = env_int("IDV_DOCUMENT_MAX_ATTEMPTS", 3, minimum=1)
# Typed MRZ lines that pass every check count as a checked document (level 2);
# off: they go to a compliance officer, who sees the image, if there is one.
IDV_TYPED_MRZ_PASSES = env_bool("IDV_TYPED_MRZ_PASSES", True)
# Directory holding mrz.traineddata (operator-supplied); without it OCR uses `eng`.
# The quick start uses the copy the repository ships in share/tesseract.
IDV_TESSDATA_DIR = env_str("IDV_TESSDATA_DIR") or (
    str(BASE_DIR / "share" / "tesseract") if QUICKSTART else None
)
CELERY_BEAT_SCHEDULE["purge-document-images"] = {
    "task": "attestations.document_images_purge",
    "schedule": 3600.0,
}
TEMPLATES[0]["OPTIONS"]["context_processors"].append(  # type: ignore[index]
    "attestations.context_processors.onboarding"
)
# --- Entitlements --------------------------------------------------------------------
# Token lifetime in seconds: default 10 minutes, at most 15 (system check entitlements.E001).
IDV_TOKEN_LIFETIME_SECONDS = env_int("IDV_TOKEN_LIFETIME_SECONDS", 600, minimum=1)
# The periodic task rotates the signing key once the active one is this old.
IDV_SIGNING_KEY_ROTATION_DAYS = env_int("IDV_SIGNING_KEY_ROTATION_DAYS", 30, minimum=1)
CELERY_BEAT_SCHEDULE["rotate-signing-keys"] = {
    "task": "entitlements.rotate_signing_keys",
    "schedule": 3600.0,
}
# --- Organisations: registration, invitations, bulk enrolment (accounts) -------------
# Nameservers for the domain-ownership TXT check ("host" or "host:port");
# empty uses the system resolver.
IDV_DNS_NAMESERVERS = env_list("IDV_DNS_NAMESERVERS", [])
IDV_DNS_TIMEOUT_SECONDS = env_int("IDV_DNS_TIMEOUT_SECONDS", 5, minimum=1)
IDV_DOMAIN_CHALLENGE_DAYS = env_int("IDV_DOMAIN_CHALLENGE_DAYS", 7, minimum=1)
IDV_INVITATION_DAYS = env_int("IDV_INVITATION_DAYS", 7, minimum=1)
IDV_PENDING_ORG_INVITATIONS = env_int("IDV_PENDING_ORG_INVITATIONS", 10, minimum=0)
# Where a person lands after joining an organisation: the attestation flow when
# it is installed (the URL name is looked up at run time, home page otherwise).
IDV_AFTER_JOIN_URL_NAME = "attestation-start"
# Bulk enrolment limits, stated on the upload page and in the API.
IDV_ENROLMENT_MAX_BYTES = 10 * 1024 * 1024
IDV_ENROLMENT_MAX_ROWS = 100_000
# Any body over this is refused (413) unread: the CSRF check would spool it to disk.
_LARGEST_UPLOAD = max(IDV_DOCUMENT_MAX_BYTES, IDV_ENROLMENT_MAX_BYTES)
IDV_MAX_REQUEST_BYTES = env_int(
    "IDV_MAX_REQUEST_BYTES", 4 * _LARGEST_UPLOAD, minimum=_LARGEST_UPLOAD
)
# Rows per checkpoint: one transaction writes a chunk's rows, results and progress.
IDV_ENROLMENT_CHUNK_ROWS = env_int("IDV_ENROLMENT_CHUNK_ROWS", 2000, minimum=1)
# Uploaded files and per-row results (personal data) are deleted after this.
IDV_ENROLMENT_RETENTION_DAYS = env_int("IDV_ENROLMENT_RETENTION_DAYS", 30, minimum=1)
# A running job whose worker has been silent this long is handed to another worker.
IDV_ENROLMENT_STALL_SECONDS = env_int("IDV_ENROLMENT_STALL_SECONDS", 300, minimum=30)
# With Redis, a task taken by a worker that died is handed out again only after
# this many seconds; it must exceed the longest task (CELERY_TASK_TIME_LIMIT).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("IDV_CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
}
CELERY_BEAT_SCHEDULE["accounts-invitations-send-pending"] = {
    "task": "accounts.invitations_send_pending",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["accounts-enrolments-resume-stalled"] = {
    "task": "accounts.enrolments_resume_stalled",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["accounts-enrolments-prune"] = {
    "task": "accounts.enrolments_prune",
    "schedule": 3600.0,
}
# Celery queue for organisation background work (enrolment jobs and invitation
# emails); empty means Celery's default queue.
IDV_ACCOUNTS_TASK_QUEUE = env_str("IDV_ACCOUNTS_TASK_QUEUE", "") or ""
