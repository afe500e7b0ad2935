"""The in-memory index of the current lists: candidate generation, then scoring.

Every primary name and alias is normalised once into tokens. Each token is
filed under up to four keys: itself, its metaphone key, and (tokens of five or
more letters) its first three and its last three letters, so a one-letter
change or a transliteration variant still finds the name. A query gathers the
names sharing its keys, weighted by how rare each key is (inverse document
frequency), rarest key first; keys shared by more than ``COMMON_SHARE`` of the
names are read only while fewer than ``POSTINGS_BUDGET`` postings have been, so
a name made only of common words costs bounded work. When the threshold is
above what a one-word match can reach, a name must share keys with two of the
query's words. The ``TOP_CANDIDATES`` best are scored with
``screening.matching.score``. A person is compared with individuals and with
entries of unstated type, an organisation with entities, vessels, aircraft and
unstated ones.
"""

from __future__ import annotations

import heapq
import math
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np

from screening.matching import score
from screening.matching.normalise import MAX_NAME_CHARS, name_tokens, phonetic
from screening.models import EntryKind, ListEntry, ListSnapshot, ScreeningState

SubjectKind = Literal["person", "organization"]
KINDS_FOR: dict[SubjectKind, frozenset[str]] = {
    "person": frozenset({EntryKind.INDIVIDUAL, EntryKind.UNKNOWN}),
    "organization": frozenset(
        {EntryKind.ENTITY, EntryKind.VESSEL, EntryKind.AIRCRAFT, EntryKind.UNKNOWN}
    ),
}
TOP_CANDIDATES = 12
COMMON_SHARE = 0.02
POSTINGS_BUDGET = 20000
# Below this many postings a query is ranked in plain Python.
SMALL_QUERY = 600
ENTRY_FIELDS = (
    "id",
    "key",
    "fingerprint",
    "source_list",
    "entity_number",
    "kind",
    "name",
    "aliases",
    "dates_of_birth",
    "nationalities",
    "citizenships",
    "address_countries",
    "programs",
    "list_url",
)


@dataclass(frozen=True)
class Query:
    name: str
    birth_date: date | None = None
    # The person's citizenships (or an organisation's country), ISO alpha-2.
    countries: tuple[str, ...] = ()
    kind: SubjectKind | None = None


@dataclass(frozen=True)
class IndexedEntry:
    id: int
    key: str
    fingerprint: str
    kind: str
    birth: score.BirthDates
    stated_countries: frozenset[str]
    address_countries: frozenset[str]
    data: dict[str, Any]

    @property
    def source_list(self) -> str:
        return str(self.data["source_list"])

    @property
    def name(self) -> str:
        return str(self.data["name"])


@dataclass(frozen=True)
class Candidate:
    entry: IndexedEntry
    matched_name: str
    score: float
    features: dict[str, Any]


def token_keys(token: str) -> list[str]:
    keys = [f"t:{token}"]
    key = phonetic(token)
    if key:
        keys.append(f"m:{key}")
    if len(token) >= 5 and not token.isdigit():
        # A one-letter change leaves the beginning or the end of a word intact.
        keys.append(f"p:{token[:3]}")
        keys.append(f"s:{token[-3:]}")
    return keys


class NameIndex:
    def __init__(self, entries: Iterable[dict[str, Any]], *, version: str, generation: int):
        self.version = version
        self.generation = generation
        self.entries: list[IndexedEntry] = []
        # name id -> (entry index, tokens, the name as listed, is an alias)
        self.names: list[tuple[int, tuple[str, ...], str, bool]] = []
        postings: dict[str, dict[str, list[int]]] = {"person": defaultdict(list)}
        postings["organization"] = defaultdict(list)
        for row in entries:
            entry_index = len(self.entries)
            self.entries.append(
                IndexedEntry(
                    id=row["id"],
                    key=row["key"],
                    fingerprint=row["fingerprint"],
                    kind=row["kind"],
                    birth=score.BirthDates.parse(row["dates_of_birth"]),
                    stated_countries=frozenset(row["nationalities"] + row["citizenships"]),
                    address_countries=frozenset(row["address_countries"]),
                    data={k: v for k, v in row.items() if k not in ("id", "fingerprint")},
                )
            )
            classes = [k for k, kinds in KINDS_FOR.items() if row["kind"] in kinds]
            for alias, listed in [(False, row["name"]), *((True, a) for a in row["aliases"])]:
                tokens = name_tokens(listed)
                if not tokens:
                    continue
                name_id = len(self.names)
                self.names.append((entry_index, tokens, listed, alias))
                keys = {key for token in tokens for key in token_keys(token)}
                for cls in classes:
                    for key in keys:
                        postings[cls][key].append(name_id)
        self.postings = {
            cls: {key: np.array(ids, dtype=np.int32) for key, ids in keyed.items()}
            for cls, keyed in postings.items()
        }
        self.lengths = np.array([len(tokens) for _, tokens, _, _ in self.names], dtype=np.int32)
        total = max(1, len(self.names))
        self.common = max(50, int(total * COMMON_SHARE))
        self.idf = {
            key: math.log(1 + total / len(ids))
            for keyed in self.postings.values()
            for key, ids in keyed.items()
        }

    def __len__(self) -> int:
        return len(self.names)

    def _candidates(self, tokens: tuple[str, ...], cls: SubjectKind, *, strict: bool) -> list[int]:
        """The names most likely to match, best first by shared rare keys.

        With ``strict`` (the threshold is above what a one-word match can reach,
        ``score.ONE_TOKEN_CAP`` plus every bonus), a name must share keys with two
        of the query's words (one, when either name has a single word). Counting
        is vectorised (numpy), so a query of common words costs little more.
        """
        keyed = self.postings[cls]
        keys: dict[str, list[int]] = {}
        for position, token in enumerate(tokens):
            for key in token_keys(token):
                if key in keyed:
                    keys.setdefault(key, []).append(position)
        read = 0
        id_parts: list[np.ndarray[Any, Any]] = []
        weight_parts: list[np.ndarray[Any, Any]] = []
        by_word: dict[int, list[np.ndarray[Any, Any]]] = {}
        for key in sorted(keys, key=lambda key: len(keyed[key])):
            ids = keyed[key]
            # Rare keys always count; common ones while the work stays bounded.
            if len(ids) > self.common and read + len(ids) > POSTINGS_BUDGET:
                break
            read += len(ids)
            id_parts.append(ids)
            weight_parts.append(np.full(len(ids), self.idf[key]))
            for position in keys[key]:
                by_word.setdefault(position, []).append(ids)
        if not id_parts:
            return []
        need = min(2, len(tokens)) if strict else 0
        if read <= SMALL_QUERY:
            return self._rank_small(id_parts, weight_parts, by_word, need)
        size = len(self.names)
        weights = np.bincount(
            np.concatenate(id_parts), weights=np.concatenate(weight_parts), minlength=size
        )
        found = weights > 0
        if need:
            words = np.bincount(
                np.concatenate([np.unique(np.concatenate(parts)) for parts in by_word.values()]),
                minlength=size,
            )
            found &= words >= np.minimum(need, self.lengths)
        chosen = np.flatnonzero(found)
        if len(chosen) > TOP_CANDIDATES:
            # Among names sharing as much, the shorter ones first: "KIM, Chol" before
            # "KIM Chol Nam" for the query "Kim Chol".
            ranking = weights[chosen] - 0.01 * self.lengths[chosen]
            chosen = chosen[np.argpartition(-ranking, TOP_CANDIDATES)[:TOP_CANDIDATES]]
        return [int(name_id) for name_id in chosen]

    def _rank_small(
        self,
        id_parts: list[np.ndarray[Any, Any]],
        weight_parts: list[np.ndarray[Any, Any]],
        by_word: dict[int, list[np.ndarray[Any, Any]]],
        need: int,
    ) -> list[int]:
        """The same ranking in plain Python, cheaper than numpy's set-up for few postings."""
        weights: dict[int, float] = {}
        for ids, idf in zip(id_parts, weight_parts, strict=True):
            weight = float(idf[0])
            for name_id in ids.tolist():
                weights[name_id] = weights.get(name_id, 0.0) + weight
        if need:
            words: dict[int, int] = {}
            for parts in by_word.values():
                for name_id in {i for ids in parts for i in ids.tolist()}:
                    words[name_id] = words.get(name_id, 0) + 1
            lengths = self.lengths
            weights = {i: w for i, w in weights.items() if words[i] >= min(need, lengths[i])}
        if len(weights) <= TOP_CANDIDATES:
            return list(weights)
        lengths = self.lengths
        return heapq.nlargest(TOP_CANDIDATES, weights, key=lambda i: weights[i] - 0.01 * lengths[i])

    def search(self, query: Query, *, threshold: float) -> list[Candidate]:
        """Candidates scoring at or above ``threshold``, best first, one per entry."""
        tokens = name_tokens(query.name)
        if not tokens:
            return []
        classes: list[SubjectKind] = [query.kind] if query.kind else ["person", "organization"]
        strict = threshold > score.ONE_TOKEN_CAP + score.DOB_EXACT + score.COUNTRY_MATCH
        name_ids = {i for cls in classes for i in self._candidates(tokens, cls, strict=strict)}
        cache: dict[tuple[str, str], float] = {}
        best: dict[int, Candidate] = {}
        countries = frozenset(c.upper() for c in query.countries if c)
        truncated = len(query.name) > MAX_NAME_CHARS
        for name_id in name_ids:
            entry_index, listed_tokens, listed, alias = self.names[name_id]
            similarity = score.name_similarity(tokens, listed_tokens, cache)
            # The adjustments can add at most this much: skip what cannot reach the bar.
            if similarity + score.DOB_EXACT + score.COUNTRY_MATCH < threshold:
                continue
            entry = self.entries[entry_index]
            birth = score.birth_date_feature(entry.birth, query.birth_date)
            place = score.country_feature(
                countries=countries,
                stated=entry.stated_countries,
                addresses=entry.address_countries,
            )
            total = score.combine(similarity, {"birth": birth[1], "country": place[1]})
            held = best.get(entry_index)
            if total < threshold or (held is not None and held.score >= total):
                continue
            best[entry_index] = Candidate(
                entry=entry,
                matched_name=listed,
                score=total,
                features=score.features(
                    name=similarity,
                    matched_alias=alias,
                    birth=birth,
                    country=place,
                    kind=entry.kind,
                    truncated=truncated,
                ),
            )
        return sorted(best.values(), key=lambda c: (-c.score, c.entry.id))


_lock = threading.Lock()
_cached: NameIndex | None = None


def _state() -> tuple[int, str]:
    row = ScreeningState.objects.filter(pk=1).values_list("generation", "version").first()
    return (row[0], row[1]) if row else (0, "")


def current_index() -> NameIndex:
    """The index of the current snapshots, built once per process and list change."""
    global _cached  # noqa: PLW0603 - one index per process, replaced whole
    generation, version = _state()
    cached = _cached
    # The version names snapshot ids, which are never reused (a rolled-back test
    # database can repeat a generation number, never a snapshot id).
    if cached is not None and (cached.generation, cached.version) == (generation, version):
        return cached
    with _lock:
        if _cached is not None and (_cached.generation, _cached.version) == (generation, version):
            return _cached
        while True:
            rows = ListEntry.objects.filter(snapshot__state=ListSnapshot.State.CURRENT)
            entries = list(rows.order_by("id").values(*ENTRY_FIELDS))
            again = _state()
            if again == (generation, version):
                break
            generation, version = again  # a flip happened while reading; read again
        _cached = NameIndex(entries, version=version, generation=generation)
        return _cached
