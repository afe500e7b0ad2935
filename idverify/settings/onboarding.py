"""Onboarding: attestations, identity documents, OCR and review (attestations app)."""

from __future__ import annotations

from idverify.env import env_bool, env_int, env_secret, env_str
from idverify.settings.base import BASE_DIR, QUICKSTART

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
# On: typed MRZ lines that pass every check mark the document passed. Typed lines
# prove data consistency only (no OIDC4IDA check_method), never possession, so even then
# they give no level above 1 and no assurance (attestations.evidence). Off (the
# default): they go to a compliance officer, who sees the image, if there is one.
IDV_TYPED_MRZ_PASSES = env_bool("IDV_TYPED_MRZ_PASSES", False)
# Directory holding mrz.traineddata (operator-supplied); without it OCR uses `eng`.
# The quick start uses the copy the repository ships in share/tesseract.
IDV_TESSDATA_DIR = env_str("IDV_TESSDATA_DIR") or (
    str(BASE_DIR / "share" / "tesseract") if QUICKSTART else None
)
# The document-type mapping (which MRZ documents support which status), a JSON file in
# the format of attestations/mrz/data/document_rules.json; unset: the shipped table.
# The periodic re-check applies a changed mapping to documents that already passed.
IDV_DOCUMENT_RULES_FILE = env_str("IDV_DOCUMENT_RULES_FILE") or None

# --- Vendor path: identity-verification vendors (attestations.vendors) ----------------
# Stripe Identity (document + matching live selfie). Without a secret key the option
# is not offered and its webhook answers 404. A restricted key (rk_...) with Identity
# read access is needed to read the date of birth and the document's expiry date.
IDV_STRIPE_SECRET_KEY = env_secret("IDV_STRIPE_SECRET_KEY") or ""
# The signing secret (whsec_...) of the webhook endpoint /webhooks/stripe/identity.
IDV_STRIPE_WEBHOOK_SECRET = env_secret("IDV_STRIPE_WEBHOOK_SECRET") or ""
# Where the Stripe API is; set only to use a Stripe-compatible server (stripe-mock, tests).
IDV_STRIPE_API_BASE = (env_str("IDV_STRIPE_API_BASE") or "https://api.stripe.com").rstrip("/")
# Seconds to wait for Stripe's API before telling the person to try again.
IDV_STRIPE_TIMEOUT = env_int("IDV_STRIPE_TIMEOUT", 20, minimum=1)
