"""Security headers, cookies, request size limits and the shared cache behind rate limits."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from idverify.cache import redis_options
from idverify.env import env_bool, env_int, env_secret
from idverify.settings.base import IDV_BASE_URL, QUICKSTART, VAR_DIR

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


# --- Cache (rate limits, throttles, short-lived lookups) ----------------------------
# Every limit (sign-in failures, API throttles, failed credentials) is counted in
# this cache, so it must be one that every web process shares: with a cache per
# process, each gunicorn worker would allow the full limit. Outside the quick
# start a per-process cache is refused (system check idverify.E008).
def _cache(url: str | None) -> dict[str, object]:
    if not url:
        if QUICKSTART:
            # One host: the two quick-start workers share files in var/.
            return {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(VAR_DIR / "cache"),
            }
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "idverify"}
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss", "unix"):
        # Fails open: with Redis down, limits stop counting and requests go on (idverify.cache).
        return {
            "BACKEND": "idverify.cache.FailOpenRedisCache",
            "LOCATION": url,
            "OPTIONS": redis_options(),
        }
    if parts.scheme == "file" and parts.path.startswith("/") and not parts.netloc:
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": unquote(parts.path),
        }
    raise ImproperlyConfigured(
        "CACHE_URL must be redis://host:6379/1 (or rediss://, unix://) or, for the processes "
        "of a single host, file:///absolute/directory."
    )


CACHES = {"default": _cache(env_secret("CACHE_URL"))}
