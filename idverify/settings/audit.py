"""The audit log: the key that vouches for events and signs seals, and how often to seal."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from idverify.env import env_int, env_list, env_secret
from idverify.quickstart import quickstart_secret
from idverify.settings.base import QUICKSTART, VAR_DIR

# --- Audit log -----------------------------------------------------------------------
# 32 random bytes, base64, kept outside the database: writers MAC each event with a key
# derived from it and the sealer signs each seal with an Ed25519 key derived from it,
# so a database writer can neither forge an event nor re-seal a rewritten log.
IDV_AUDIT_SEAL_KEY = env_secret("IDV_AUDIT_SEAL_KEY") or (
    quickstart_secret(VAR_DIR, "audit_seal_key", kind="aes256") if QUICKSTART else ""
)
if not IDV_AUDIT_SEAL_KEY:
    raise ImproperlyConfigured("IDV_AUDIT_SEAL_KEY (or IDV_AUDIT_SEAL_KEY_FILE) must be set.")
# Earlier audit keys (secrets), still accepted while processes that use them run.
IDV_AUDIT_SEAL_KEY_PREVIOUS = [
    k.strip() for k in (env_secret("IDV_AUDIT_SEAL_KEY_PREVIOUS") or "").split(",") if k.strip()
]
# Public halves of retired audit keys (`manage.py audit_head --public-keys` prints
# them): the seals they signed keep verifying after the secret is destroyed.
IDV_AUDIT_SEAL_PUBLIC_KEYS = env_list("IDV_AUDIT_SEAL_PUBLIC_KEYS", [])
# Seconds between seals (Celery beat); events are unsigned for at most about this long.
IDV_AUDIT_SEAL_SECONDS = env_int("IDV_AUDIT_SEAL_SECONDS", 5, minimum=1)
