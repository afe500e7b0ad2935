"""Entitlements: token lifetime, signing-key rotation, the revocation document's lifetime."""

from __future__ import annotations

from idverify.env import env_int

# --- Entitlements --------------------------------------------------------------------
# Token lifetime in seconds: default 10 minutes, at most 15 (system check entitlements.E001).
IDV_TOKEN_LIFETIME_SECONDS = env_int("IDV_TOKEN_LIFETIME_SECONDS", 600, minimum=1)
# The periodic task rotates the signing key once the active one is this old.
IDV_SIGNING_KEY_ROTATION_DAYS = env_int("IDV_SIGNING_KEY_ROTATION_DAYS", 30, minimum=1)
# Lifetime of each signed revocation document (its exp - iat), seconds. Verifiers
# refuse a copy past its exp (plus their leeway), so a cache or an attacker
# replaying an old copy can hide a revocation for at most this long. The service
# re-signs it every half of this (CELERY_BEAT_SCHEDULE), and a web process that
# finds less than half left re-signs it in the background. Twice the verifiers'
# poll interval (5 s) by default.
IDV_REVOCATIONS_TTL_SECONDS = env_int("IDV_REVOCATIONS_TTL_SECONDS", 10, minimum=2)
# How often the periodic re-check looks for evidence past its expiry (and a changed
# document-type mapping) and revokes the tokens resting on it, seconds.
IDV_RECHECK_SECONDS = env_int("IDV_RECHECK_SECONDS", 60, minimum=5)
# How long a CDN or other shared cache may serve the revocation document before
# asking again (its Cache-Control max-age; never past the document's exp). It
# adds to the time a change takes to reach verifiers (docs/operations.md).
IDV_REVOCATIONS_CACHE_SECONDS = env_int("IDV_REVOCATIONS_CACHE_SECONDS", 2, minimum=0)
