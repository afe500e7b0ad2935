"""The identity evidence is bound to: names and birth date, as the MRZ checks compare them.

A document counts only for the identity it was checked against. When a check
passes (or an officer approves), the document records this fingerprint of
the attestation it was compared with; the level query counts it only while
the current attestation has the same fingerprint. Re-signing with the same
identity keeps the evidence; a changed name or birth date drops it until new
evidence matches.

The names are reduced to exactly what ``attestations.mrz.names.name_part_matches``
compares: the set of MRZ spellings of each name (ICAO 9303 Part 3
transliteration, case, spacing, hyphens and apostrophes). Two attestations
with the same fingerprint therefore get the same verdict from the name checks
for any MRZ; spellings the checks tell apart (``Müller`` may match ``MULLER``,
``Mueller`` may not) make different fingerprints. The birth date is the full
date, stricter than the MRZ's six digits: a changed century is a changed claim.

Only a SHA-256 digest is stored beside the document, so the documents table
holds no name in clear (its MRZ is encrypted for the same reason).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata

from attestations.mrz.names import mrz_spellings

# Part of every fingerprint: a change to the normalisation needs a new version
# and a migration that recomputes the stored fingerprints (and rebinds documents).
VERSION = "idv-identity-1"
_SEPARATOR = "\x1f"


def _name_key(name: str) -> str:
    try:
        spellings = mrz_spellings(name)
    except ValueError:
        # No MRZ spelling (e.g. Cyrillic): the name checks fail for any MRZ, so only
        # an officer can approve such a document; compare the text itself, folded.
        # Lowercase cannot occur in an MRZ spelling, so the two kinds never collide.
        return "text:" + " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    # "|" is outside the MRZ alphabet, so the joined set reads back one way only.
    return "|".join(sorted(spellings))


def identity_fingerprint(*, family_name: str, given_names: str, date_of_birth: dt.date) -> str:
    """The fingerprint of an attested identity (64 hex digits)."""
    parts = (VERSION, _name_key(family_name), _name_key(given_names), date_of_birth.isoformat())
    return hashlib.sha256(_SEPARATOR.join(parts).encode()).hexdigest()


def same_name(first: str, second: str) -> bool:
    """Whether two spellings of a name count as one for the fingerprint (and the MRZ checks)."""
    return _name_key(first) == _name_key(second)
