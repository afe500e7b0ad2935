"""Restricted-party screening: the match threshold, the import guard, the CSL feed."""

from __future__ import annotations

from idverify.env import env_float, env_int, env_str

# A candidate scoring at or above this (0..1) is a potential match an officer must
# review; see docs/screening.md for how the score is made and how this was chosen.
IDV_SCREENING_THRESHOLD = env_float("IDV_SCREENING_THRESHOLD", 0.88, minimum=0.5, maximum=1.0)
# A new snapshot with more than this fraction fewer entries than the current one is
# refused unless forced: a truncated download must never replace a good list.
IDV_SCREENING_MAX_SHRINK = env_float("IDV_SCREENING_MAX_SHRINK", 0.2, minimum=0.0, maximum=1.0)
# Where the periodic task fetches the Consolidated Screening List (CSV or JSON);
# empty turns the fetch off.
IDV_SCREENING_CSL_URL = env_str("IDV_SCREENING_CSL_URL", "") or ""
IDV_SCREENING_FETCH_SECONDS = env_int("IDV_SCREENING_FETCH_SECONDS", 86400, minimum=300)
IDV_SCREENING_FETCH_TIMEOUT = env_int("IDV_SCREENING_FETCH_TIMEOUT", 60, minimum=1)
# Refuse a download larger than this many bytes (the full CSL is about 10 MB).
IDV_SCREENING_FETCH_MAX_BYTES = env_int("IDV_SCREENING_FETCH_MAX_BYTES", 200_000_000, minimum=1)
