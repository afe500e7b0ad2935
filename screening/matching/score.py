"""The score of one candidate name against the screened name, and the other data's say.

Name similarity (0..1) aligns tokens one to one, best pairs first:

- two tokens' similarity is 1 - Levenshtein distance / longer length, raised to
  0.9 when they start alike, are at least half similar and their metaphone
  keys agree (transliteration variants), and counts as a match at 0.75 or more;
- the name score is sum(similarity x both tokens' lengths) over matched pairs,
  divided by the lengths of all tokens, where a token left unmatched on either
  side counts 0.3 of its length (a dropped middle name costs a little, a
  different surname a lot);
- when both names have two or more words and only one of them matched, the
  name score is at most 0.75 (a shared first name is not a name match);
- the names with spaces removed are compared too (Abubakr / Abu Bakr); the
  better of the two stands.

Then the other data, each as a named feature kept for the officer:

- birth date: exact date agrees +0.05; year agrees (or the list gives only a
  year, or a range/circa that covers it) +0.03; list has dates and none is
  within a year -0.20;
- country: one of the person's countries (citizenships; an organisation's
  country of incorporation) is among the entry's nationalities, citizenships
  or address countries +0.03; the entry states nationalities or citizenships
  and none of the person's is among them -0.08;
- type: a person is compared only with individuals (and entries whose type the
  list does not state), an organisation only with entities, vessels and
  aircraft (and unstated ones).

The result is clipped to 0..1; at or above ``IDV_SCREENING_THRESHOLD`` the
candidate is a potential match.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from rapidfuzz.distance import Levenshtein

from screening.matching.normalise import phonetic

TOKEN_MATCH = 0.75
PHONETIC_FLOOR = 0.9
PHONETIC_FROM = 0.5
ONE_TOKEN_CAP = 0.75
# Above this the joined comparison cannot change the outcome that matters.
JOINED_FROM = 0.95
UNMATCHED_WEIGHT = 0.3
DOB_EXACT, DOB_YEAR, DOB_MISMATCH = 0.05, 0.03, -0.20
COUNTRY_MATCH, COUNTRY_MISMATCH = 0.03, -0.08

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    similarity = float(Levenshtein.normalized_similarity(a, b))
    if PHONETIC_FROM <= similarity < PHONETIC_FLOOR and a[0] == b[0]:
        key = phonetic(a)
        if key and key == phonetic(b):
            return PHONETIC_FLOOR
    return similarity


def _aligned(
    query: tuple[str, ...], candidate: tuple[str, ...], cache: dict[tuple[str, str], float]
) -> tuple[float, int]:
    """(the aligned score before caps, how many query tokens found a partner)."""
    pairs: list[tuple[float, int, int]] = []
    for i, q in enumerate(query):
        for j, c in enumerate(candidate):
            sim = cache.get((q, c))
            if sim is None:
                sim = cache[(q, c)] = token_similarity(q, c)
            if sim >= TOKEN_MATCH:
                pairs.append((sim, i, j))
    pairs.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    matched = weight = 0.0
    for sim, i, j in pairs:
        if i not in used_q and j not in used_c:
            used_q.add(i)
            used_c.add(j)
            both = len(query[i]) + len(candidate[j])
            matched += sim * both
            weight += both
    unmatched = sum(len(q) for i, q in enumerate(query) if i not in used_q)
    unmatched += sum(len(c) for j, c in enumerate(candidate) if j not in used_c)
    weight += UNMATCHED_WEIGHT * unmatched
    return (matched / weight if weight else 0.0), len(used_q)


def name_similarity(
    query: tuple[str, ...], candidate: tuple[str, ...], cache: dict[tuple[str, str], float]
) -> float:
    if not query or not candidate:
        return 0.0
    if sorted(query) == sorted(candidate):
        return 1.0
    aligned, partnered = _aligned(query, candidate, cache)
    if partnered < min(2, len(query), len(candidate)):
        # One shared word (a first name, "bank") is not a name match.
        aligned = min(aligned, ONE_TOKEN_CAP)
    if aligned < JOINED_FROM and (len(query) > 1 or len(candidate) > 1):
        joined = float(Levenshtein.normalized_similarity("".join(query), "".join(candidate)))
        return max(aligned, joined)
    return aligned


@dataclass(frozen=True)
class BirthDates:
    """An entry's published birth dates, read once: exact dates and year ranges."""

    exact: frozenset[date]
    years: tuple[tuple[int, int], ...]

    @classmethod
    def parse(cls, published: list[str]) -> BirthDates:
        exact: set[date] = set()
        years: list[tuple[int, int]] = []
        for text in published:
            with contextlib.suppress(ValueError):
                exact.add(date.fromisoformat(text))
            found = [int(y) for y in _YEAR.findall(text)]
            if found:
                slack = 2 if "circa" in text.casefold() else 0
                years.append((min(found) - slack, max(found) + slack))
        return cls(frozenset(exact), tuple(years))

    def __bool__(self) -> bool:
        return bool(self.years)


def birth_date_feature(dates: BirthDates, birth_date: date | None) -> tuple[str, float]:
    if birth_date is None or not dates:
        return "not_compared", 0.0
    if birth_date in dates.exact:
        return "match", DOB_EXACT
    year = birth_date.year
    if any(low <= year <= high for low, high in dates.years):
        return "year_match", DOB_YEAR
    if any(low - 1 <= year <= high + 1 for low, high in dates.years):
        return "near", 0.0
    return "mismatch", DOB_MISMATCH


def country_feature(
    *, countries: frozenset[str], stated: frozenset[str], addresses: frozenset[str]
) -> tuple[str, float]:
    if not countries:
        return "not_compared", 0.0
    if countries & (stated | addresses):
        return "match", COUNTRY_MATCH
    if stated:
        return "mismatch", COUNTRY_MISMATCH
    return "not_compared", 0.0


def combine(name: float, adjustments: dict[str, float]) -> float:
    return round(min(1.0, max(0.0, name + sum(adjustments.values()))), 4)


def features(
    *,
    name: float,
    matched_alias: bool,
    birth: tuple[str, float],
    country: tuple[str, float],
    kind: str,
    truncated: bool,
) -> dict[str, Any]:
    return {
        "name_similarity": round(name, 4),
        "matched_alias": matched_alias,
        "birth_date": birth[0],
        "birth_date_adjustment": birth[1],
        "country": country[0],
        "country_adjustment": country[1],
        "entry_type": kind,
        "query_truncated": truncated,
    }
