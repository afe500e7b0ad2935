"""Names to comparable tokens: any script to Latin, case and accents folded,
punctuation dropped, honorifics and legal-form words removed.

Transliteration is anyascii's (Unicode's own data, not a table of ours); the
word lists below are only the titles and company forms that say nothing about
who a party is. Token order is not kept meaningful: "RIM, Ryong Nam", "Ryong
Nam Rim" and "Rim Ryong-Nam" give the same tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish
from anyascii import anyascii

# A name longer than this is screened on its beginning (and the features say so).
MAX_NAME_CHARS = 300
MAX_TOKENS = 12

HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "dame",
        "lord",
        "lady",
        "sheikh",
        "shaykh",
        "sheik",
        "haji",
        "hajji",
        "hadji",
        "mullah",
        "maulana",
        "maulvi",
        "sayyid",
        "sayed",
        "imam",
        "general",
        "gen",
        "colonel",
        "col",
        "lieutenant",
        "lt",
        "captain",
        "capt",
        "major",
        "maj",
        "admiral",
        "adm",
        "brigadier",
        "brig",
        "judge",
        "hon",
        "engineer",
        "eng",
    ]
)
LEGAL_FORMS = frozenset(
    [
        "ltd",
        "limited",
        "llc",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "gmbh",
        "ag",
        "bv",
        "nv",
        "oy",
        "ab",
        "jsc",
        "pjsc",
        "ojsc",
        "cjsc",
        "ooo",
        "oao",
        "zao",
        "pao",
        "tov",
        "llp",
        "lp",
        "fze",
        "fzco",
        "fzc",
        "sdn",
        "bhd",
        "pte",
        "pty",
        "kk",
        "kg",
        "cv",
        "establishment",
        "est",
    ]
)
_STOP = HONORIFICS | LEGAL_FORMS
_APOSTROPHES = re.compile("['`\u2018\u2019\u02bc\u02bb\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _latin(text: str) -> str:
    """Transliterate; syllabic scripts (Chinese, Japanese, Korean) become one word
    per character's syllable, as romanised names are written."""
    out: list[str] = []
    for char in text:
        if ord(char) < 0x80:
            out.append(char)
            continue
        latin = anyascii(char)
        if unicodedata.east_asian_width(char) in ("W", "F") and latin.isalpha():
            out.append(f" {latin} ")
        else:
            out.append(latin)
    return "".join(out)


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> tuple[str, ...]:
    """The comparable tokens of a name; () when nothing name-like is left."""
    text = unicodedata.normalize("NFKC", name[:MAX_NAME_CHARS])
    text = _APOSTROPHES.sub("", _latin(text)).casefold()
    tokens = _NON_ALNUM.sub(" ", text).split()
    kept = [token for token in tokens if token not in _STOP]
    # "Limited Company" alone is still a name to compare.
    return tuple((kept or tokens)[:MAX_TOKENS])


@lru_cache(maxsize=65536)
def phonetic(token: str) -> str:
    """Metaphone key: transliteration variants (Mohammed, Muhammad, Mohamad) share one."""
    if len(token) < 3 or not token.isalpha():
        return ""
    return str(jellyfish.metaphone(token))
