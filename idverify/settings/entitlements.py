"""Entitlements: token lifetime and signing-key rotation."""

from __future__ import annotations

from idverify.env import env_int

# --- Entitlements --------------------------------------------------------------------
# Token lifetime in seconds: default 10 minutes, at most 15 (system check entitlements.E001).
IDV_TOKEN_LIFETIME_SECONDS = env_int("IDV_TOKEN_LIFETIME_SECONDS", 600, minimum=1)
# The periodic task rotates the signing key once the active one is this old.
IDV_SIGNING_KEY_ROTATION_DAYS = env_int("IDV_SIGNING_KEY_ROTATION_DAYS", 30, minimum=1)
