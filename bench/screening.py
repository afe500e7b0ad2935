"""Screening benchmark: throughput beside a brute-force baseline, and match quality.

    .venv/bin/python bench/screening.py                 # everything (about a minute)
    .venv/bin/python bench/screening.py --bulk-rows 0   # skip the 100,000-row run

Index: the full OFAC SDN sample in share/screening/ofac (every entry and alias),
built in-process exactly as ``screening.matching.index.current_index`` builds it
from the database. Targets: >= 2,000 names/s in one process; 100,000 names in
< 60 s; recall >= 95 % on variants of listed individuals' names; <= 1 % of
ordinary unlisted names (Faker) flagged, at the configured threshold.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idverify.settings")
os.environ.setdefault("IDV_QUICKSTART", "1")

import django  # noqa: E402 - after the settings module is named

django.setup()

from django.conf import settings  # noqa: E402 - after the settings module is named
from faker import Faker  # noqa: E402 - after the settings module is named
from rapidfuzz import fuzz, process  # noqa: E402 - after the settings module is named

from screening.formats import ParsedEntry, read_list  # noqa: E402 - after the settings module is named
from screening.matching.index import NameIndex, Query  # noqa: E402 - after the settings module is named
from screening.matching.normalise import name_tokens  # noqa: E402 - after the settings module is named

TARGET_RATE = 2000
TARGET_BULK_SECONDS = 60.0
TARGET_RECALL = 0.95
TARGET_FP = 0.01
FAKER_LOCALES = ("en_US", "en_GB", "es_ES", "es_MX", "de_DE", "fr_FR", "it_IT", "pt_BR")
# Romanised Russian back to Cyrillic, digraphs first (bench data only): the way a
# Russian-language form would carry a name listed in Latin letters.
CYRILLIC = (
    ("shch", "\u0449"),
    ("kh", "\u0445"),
    ("zh", "\u0436"),
    ("ts", "\u0446"),
    ("ch", "\u0447"),
    ("sh", "\u0448"),
    ("yu", "\u044e"),
    ("ya", "\u044f"),
    ("yo", "\u0451"),
    ("iy", "\u0438\u0439"),
    ("yy", "\u044b\u0439"),
    *zip(
        "abvgdezijklmnoprstufy",
        "\u0430\u0431\u0432\u0433\u0434\u0435\u0437\u0438\u0439\u043a\u043b"
        "\u043c\u043d\u043e\u043f\u0440\u0441\u0442\u0443\u0444\u044b",
        strict=True,
    ),
)
RUSSIAN = frozenset({"RU", "BY", "UA"})
# How one romanisation of a name differs from another (bench data only).
SPELLINGS = (
    ("mohammed", "muhammad"),
    ("muhammad", "mohamed"),
    ("ou", "u"),
    ("ee", "i"),
    ("y", "i"),
    ("q", "k"),
    ("kh", "h"),
    ("j", "dzh"),
    ("ei", "ai"),
    ("sh", "ch"),
)
ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "n": "ñ", "c": "ç"}


@dataclass(frozen=True)
class Variant:
    kind: str
    name: str
    entry_index: int


def _rows(entries: list[ParsedEntry]) -> list[dict[str, object]]:
    return [
        {
            "id": i,
            "key": e.key,
            "fingerprint": e.fingerprint,
            "source_list": e.source_list,
            "entity_number": e.entity_number,
            "kind": str(e.kind),
            "name": e.name,
            "aliases": e.aliases,
            "dates_of_birth": e.dates_of_birth,
            "nationalities": e.nationalities,
            "citizenships": e.citizenships,
            "address_countries": e.address_countries,
            "programs": e.programs,
            "list_url": e.list_url,
        }
        for i, e in enumerate(entries)
    ]


def _given_first(name: str) -> list[str]:
    family, _, given = name.partition(",")
    return [*given.split(), *family.split()] if given else name.split()


def _variants(entries: list[ParsedEntry], rng: random.Random, count: int) -> list[Variant]:
    people = [
        (i, e)
        for i, e in enumerate(entries)
        if e.kind == "individual" and "," in e.name and len(name_tokens(e.name)) >= 2
    ]
    out: list[Variant] = []
    makers: list[tuple[str, Callable[[str], str | None]]] = [
        ("reordered", lambda n: " ".join(_given_first(n))),
        ("family_comma", lambda n: n.title()),
        ("shuffled", lambda n: " ".join(rng.sample(n.replace(",", " ").split(), k=len(n.split())))),
        (
            "accents_added",
            lambda n: "".join(
                ACCENTS.get(c, c) if rng.random() < 0.3 else c
                for c in " ".join(_given_first(n)).lower()
            ),
        ),
        ("one_letter", lambda n: _one_letter(n, rng)),
        ("middle_dropped", _middle_dropped),
        ("spelling", _spelling),
        ("cyrillic", _cyrillic),
    ]
    russian = [(i, e) for i, e in people if RUSSIAN & {*e.nationalities, *e.citizenships}]
    for kind, make in makers:
        made = 0
        pool = russian if kind == "cyrillic" else people
        for index, entry in rng.sample(pool, k=len(pool)):
            if made >= count:
                break
            name = make(entry.name)
            always = kind in ("reordered", "family_comma", "shuffled")
            if name and (always or name_tokens(name) != name_tokens(entry.name)):
                out.append(Variant(kind, name, index))
                made += 1
    return out


def _cyrillic(name: str) -> str:
    text = " ".join(_given_first(name)).lower()
    for latin, cyrillic in CYRILLIC:
        text = text.replace(latin, cyrillic)
    return text


def _one_letter(name: str, rng: random.Random) -> str | None:
    words = _given_first(name)
    long = [i for i, w in enumerate(words) if len(w) >= 5]
    if not long:
        return None
    i = rng.choice(long)
    word = words[i]
    at = rng.randrange(1, len(word))
    words[i] = word[:at] + rng.choice("aeiourstnl") + word[at + 1 :]
    return " ".join(words)


def _middle_dropped(name: str) -> str | None:
    words = _given_first(name)
    if len(words) < 3:
        return None
    return " ".join([words[0], *words[2:]])


def _spelling(name: str) -> str | None:
    lowered = " ".join(_given_first(name)).lower()
    for old, new in SPELLINGS:
        if old in lowered:
            return lowered.replace(old, new, 1)
    return None


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """(CPU seconds of this process, wall seconds): the machine is shared, so the CPU
    time is the figure that says what one process does; the wall time is shown too."""
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def _throughput(index: NameIndex, names: list[str], threshold: float) -> tuple[float, float]:
    def run() -> None:
        for name in names:
            index.search(Query(name, kind="person"), threshold=threshold)

    cpu, wall = _timed(run)
    return len(names) / cpu, len(names) / wall


def _baseline(choices: list[str], names: list[str], cutoff: float) -> tuple[float, float]:
    """Brute force: every name against every listed name with rapidfuzz's token_sort_ratio."""

    def run() -> None:
        for name in names:
            process.extract(
                " ".join(name_tokens(name)),
                choices,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=cutoff * 100,
                limit=10,
            )

    cpu, wall = _timed(run)
    return len(names) / cpu, len(names) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", type=int, default=250, help="per kind of variant")
    parser.add_argument("--unlisted", type=int, default=5000)
    parser.add_argument("--bulk-rows", type=int, default=100_000)
    parser.add_argument("--threshold", type=float, default=settings.IDV_SCREENING_THRESHOLD)
    args = parser.parse_args()
    rng = random.Random(15)
    threshold: float = args.threshold

    parsed = read_list(ROOT / "share" / "screening" / "ofac")
    started = time.perf_counter()
    index = NameIndex(_rows(parsed.entries), version="bench", generation=1)
    print(
        f"index: {len(parsed.entries)} entries, {len(index)} names "
        f"(primary + aliases), built in {time.perf_counter() - started:.2f} s"
    )

    Faker.seed(15)
    fake = Faker(list(FAKER_LOCALES))
    unlisted = [fake.name() for _ in range(args.unlisted)]
    variants = _variants(parsed.entries, rng, args.variants)

    choices = [" ".join(tokens) for _, tokens, _, _ in index.names]
    base, base_wall = _baseline(choices, unlisted[:300], threshold)
    for label, names in (
        ("unlisted names", unlisted[:3000]),
        ("variants of listed names", [v.name for v in variants]),
    ):
        rate, wall = _throughput(index, names, threshold)
        print(
            f"throughput, {label}: {rate:,.0f} names per CPU second (wall {wall:,.0f}/s; "
            f"target >= {TARGET_RATE:,}); brute-force rapidfuzz baseline {base:,.0f} "
            f"(wall {base_wall:,.0f}/s): {rate / base:.0f}x"
        )

    found = 0
    by_kind: dict[str, list[int]] = {}
    missed: list[Variant] = []
    for variant in variants:
        hits = index.search(Query(variant.name, kind="person"), threshold=threshold)
        ok = any(hit.entry.id == variant.entry_index for hit in hits)
        found += ok
        by_kind.setdefault(variant.kind, [0, 0])
        by_kind[variant.kind][0] += ok
        by_kind[variant.kind][1] += 1
        if not ok:
            missed.append(variant)
    recall = found / len(variants)
    flagged = [n for n in unlisted if index.search(Query(n, kind="person"), threshold=threshold)]
    fp_rate = len(flagged) / len(unlisted)
    print(f"threshold: {threshold}")
    print(f"recall: {recall:.1%} of {len(variants)} variants (target >= {TARGET_RECALL:.0%})")
    for kind, (hit, total) in by_kind.items():
        print(f"  {kind:15} {hit / total:6.1%} of {total}")
    print(
        f"false positives: {fp_rate:.2%} of {len(unlisted)} Faker names "
        f"({', '.join(FAKER_LOCALES)}) (target <= {TARGET_FP:.0%})"
    )
    for variant in missed[:12]:
        listed = parsed.entries[variant.entry_index].name
        print(f"  missed {variant.kind}: {variant.name!r} for {listed!r}")
    for name in flagged[:8]:
        top = index.search(Query(name, kind="person"), threshold=threshold)[0]
        print(f"  flagged: {name!r} ~ {top.matched_name!r} ({top.score})")

    if args.bulk_rows:
        names = [
            rng.choice(unlisted) if rng.random() < 0.9 else rng.choice(variants).name
            for _ in range(args.bulk_rows)
        ]

        def bulk() -> None:
            for name in names:
                index.search(Query(name), threshold=threshold)

        cpu, wall = _timed(bulk)
        print(
            f"bulk: {args.bulk_rows:,} rows (90 % unlisted, 10 % variants; type not given, so "
            f"persons and entities both searched) in {cpu:.1f} CPU s (wall {wall:.1f} s; "
            f"target < {TARGET_BULK_SECONDS:.0f} s)"
        )


if __name__ == "__main__":
    main()
