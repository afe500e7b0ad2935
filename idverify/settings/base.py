"""Mode, secrets, public address and database: what every other settings module reads."""

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

BASE_DIR = Path(__file__).resolve().parent.parent.parent
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
# The service's name as people see it: page titles, the header, emails.
IDV_SITE_NAME = env_str("IDV_SITE_NAME", "idverify") or "idverify"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if QUICKSTART else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [IDV_BASE_URL] if IDV_BASE_URL else [])

# --- Database -----------------------------------------------------------------
# SQLite (the quick start, and the tests' second pass): a writer takes the lock
# when its transaction begins instead of failing half-way; WAL lets readers on.
_SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
_database_url = env_secret("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0)
        )
    }
    # Off by default: on, every request that uses the database first sends a
    # `SELECT 1` (a round trip and a statement for PostgreSQL, on every API call).
    # Off, a connection the server dropped fails the one request that finds it
    # broken, and Django replaces it at that request's end (docs/operations.md).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DB_CONN_HEALTH_CHECKS", False)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's client-side binding for every query; the token path's statements alone
        # are prepared (entitlements.token_store), as the huge threshold stops psycopg
        # preparing anything by itself. None turns preparing off, for some poolers
        # (docs/operations.md).
        # Bounded waits: a database that is down or stuck costs a request at most
        # DB_CONNECT_TIMEOUT seconds to connect and DB_STATEMENT_TIMEOUT ms per
        # statement (0: no limit), then the caller gets a 503 (idverify.unavailable).
        _statement_ms = env_int("DB_STATEMENT_TIMEOUT", 30_000, minimum=0)
        _given = DATABASES["default"].get("OPTIONS", {})  # ?options=... in DATABASE_URL stays
        DATABASES["default"]["OPTIONS"] = {
            **_given,
            "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5, minimum=1),
            "options": f"{_given.get('options', '')} -c statement_timeout={_statement_ms}".strip(),
            "prepare_threshold": 2**62 if env_bool("DB_PREPARED_STATEMENTS", True) else None,
        }
    elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = {
            **_SQLITE_OPTIONS,
            **DATABASES["default"].get("OPTIONS", {}),
        }
elif QUICKSTART:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "idverify.sqlite3"),
            "OPTIONS": dict(_SQLITE_OPTIONS),
        }
    }
else:
    raise ImproperlyConfigured("DATABASE_URL must be set (postgres://user:pass@host:5432/name).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# An optional streaming replica of the same PostgreSQL database, read by the read-only
# paths only (idverify.db_router; docs/operations.md, "Read replica").
_replica_url = env_secret("DATABASE_REPLICA_URL")
if _replica_url:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL.")
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0)
    )
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["replica"].get("OPTIONS", {}),
        # A replica that does not answer is skipped quickly, not waited for.
        "connect_timeout": env_int("DB_REPLICA_CONNECT_TIMEOUT", 2, minimum=1),
    }
    # Tests run against the primary's test database; the replica mirrors it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    # Only with a replica: every ORM query asks the routers.
    DATABASE_ROUTERS = ["idverify.db_router.ReplicaRouter"]

# --- Logging -------------------------------------------------------------------------
LOG_LEVEL = (env_str("LOG_LEVEL", "INFO") or "INFO").upper()
LOGGING = logging_config(LOG_LEVEL)
