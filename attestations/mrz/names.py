"""MRZ name fields and the ICAO 9303 Part 3 transliteration of names as people write them."""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import cache

from attestations.mrz.types import MrzName

FILLER = "<"

# ICAO 9303 Part 3, section 6: Latin letters the MRZ spells out rather than strips.
# Where the table allows two spellings (German umlauts) both are recognised.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Ä": ("AE", "A"),
    "Ö": ("OE", "O"),
    "Ü": ("UE", "U"),
    "ß": ("SS",),
    "ẞ": ("SS",),
    "Ø": ("OE",),
    "Å": ("AA",),
    "Æ": ("AE",),
    "Œ": ("OE",),
    "Þ": ("TH",),
    "Ð": ("D",),
    "Đ": ("D",),
    "Ł": ("L",),
    "Ĳ": ("IJ",),
    "Ħ": ("H",),
    "Ŀ": ("L",),
    "Ŋ": ("N",),
    "\u0131": ("I",),  # dotless i
}
# Apostrophes are omitted by the Part 3 rule; some issuers print a filler instead.
_APOSTROPHES = frozenset("'`\u2019\u2018\u00b4\u02bc")
_SEPARATORS = frozenset(" -,.\u2010\u2011\u2013\u2014")  # hyphens and dashes
# More spellings than this and only the two uniform ones (first, last) are tried.
_MAX_SPELLINGS = 64

_NAME_FIELD = re.compile(r"^(?:[A-Z]+(?:<[A-Z]+)*)?(?:<<[A-Z]+(?:<[A-Z]+)*)?<*$")


def parse_name_field(raw: str) -> MrzName:
    """Split ``SURNAME<<GIVEN<NAMES<<<`` into its parts (``<`` inside a part is a space)."""
    surname_part, _, given_part = raw.partition("<<")
    return MrzName(
        raw=raw,
        surname=_words(surname_part),
        given_names=_words(given_part),
        truncated=not raw.endswith(FILLER),
    )


def name_field_is_well_formed(raw: str) -> bool:
    """Letters and fillers only, one ``<<`` between the two identifiers, fillers at the end."""
    return bool(raw.strip(FILLER)) and _NAME_FIELD.match(raw) is not None


def _words(part: str) -> str:
    return " ".join(word for word in part.split(FILLER) if word)


@cache
def _char_spellings(char: str) -> tuple[str, ...]:
    upper = char.upper()
    if char in _SPELLINGS or upper in _SPELLINGS:
        return _SPELLINGS.get(char) or _SPELLINGS[upper]
    if char in _APOSTROPHES:
        return ("", FILLER)
    if char in _SEPARATORS or char.isspace():
        return (FILLER,)
    stripped = "".join(
        part for part in unicodedata.normalize("NFKD", upper) if not unicodedata.combining(part)
    )
    if stripped and all("A" <= part <= "Z" for part in stripped):
        return (stripped,)
    raise ValueError(char)


def mrz_spellings(name: str) -> tuple[str, ...]:
    """Every way the MRZ may spell ``name`` (fillers between words, none at the ends).

    Raises ValueError naming the first character that has no Latin transliteration
    (e.g. a name written in Cyrillic): such a name must be given as printed on the
    document.
    """
    options: list[tuple[str, ...]] = []
    for char in name.strip():
        try:
            options.append(_char_spellings(char))
        except ValueError:
            raise ValueError(char) from None
    combinations = 1
    for choice in options:
        combinations *= len(choice)
    if combinations > _MAX_SPELLINGS:
        picks: list[tuple[str, ...]] = [
            tuple(choice[0] for choice in options),
            tuple(choice[-1] for choice in options),
        ]
    else:
        picks = list(itertools.product(*options))
    spellings = []
    for pick in picks:
        collapsed = re.sub(f"{FILLER}+", FILLER, "".join(pick)).strip(FILLER)
        if collapsed not in spellings:
            spellings.append(collapsed)
    return tuple(spellings)


def _words_agree(mrz_words: list[str], claimed_words: list[str], *, truncated: bool) -> bool:
    """The MRZ words equal the claimed ones, or, where the MRZ shortened them, lead them.

    A shortened word is allowed in the last MRZ position when the field is full
    (truncation), and anywhere as a one-letter initial (ICAO truncation may reduce
    secondary names to initials).
    """
    if len(mrz_words) > len(claimed_words):
        return False
    if len(mrz_words) < len(claimed_words) and not truncated:
        return False
    for index, (mrz_word, claimed_word) in enumerate(zip(mrz_words, claimed_words, strict=False)):
        if mrz_word == claimed_word:
            continue
        is_last = index == len(mrz_words) - 1
        shortened = claimed_word.startswith(mrz_word)
        if not shortened or not ((truncated and is_last) or len(mrz_word) == 1):
            return False
    return True


def name_part_matches(mrz_part: str, claimed: str, *, truncated: bool) -> bool:
    """Compare one identifier of the MRZ (words separated by spaces) with a claimed name.

    Raises ValueError as :func:`mrz_spellings` does.
    """
    mrz_words = mrz_part.split()
    return any(
        _words_agree(mrz_words, spelling.split(FILLER) if spelling else [], truncated=truncated)
        for spelling in mrz_spellings(claimed)
    )
