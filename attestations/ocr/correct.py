"""From OCR text to MRZ lines: fix what the field types allow, nothing more.

OCR of the MRZ makes two kinds of mistakes that the MRZ itself lets us undo:
a letter read in a position that only holds digits (``O`` for ``0``), or the
other way round, and a filler run read one ``<`` too long or too short. Both
repairs are only offered to the parser: a reading is kept only when every check
digit then validates.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from attestations.mrz import MrzFormat, MrzReading, parse_mrz
from attestations.mrz.checkdigit import FILLER, MRZ_ALPHABET

_TO_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1",
                           "Z": "2", "S": "5", "G": "6", "T": "7", "B": "8"})  # fmt: skip
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"})
_FILLER_RUN = re.compile(f"{FILLER}{{2,}}")
# More filler-count variants than this per reading are not tried.
_MAX_VARIANTS = 64


@dataclass(frozen=True, slots=True)
class _Kinds:
    """Per line, the 0-based positions that hold only digits or only letters (and fillers)."""

    digits: tuple[frozenset[int], ...]
    letters: tuple[frozenset[int], ...]


def _span(start: int, end: int) -> frozenset[int]:
    return frozenset(range(start, end))


# The second character of the document code may be a digit (C1, C2), so it is
# left alone, as are the document number and optional data (letters and digits).
_KINDS = {
    MrzFormat.TD3: _Kinds(
        digits=(frozenset(), _span(13, 20) | _span(21, 28) | {9, 42, 43}),
        letters=(_span(0, 44) - {1}, _span(10, 13) | {20}),
    ),
    MrzFormat.TD2: _Kinds(
        digits=(frozenset(), _span(13, 20) | _span(21, 28) | {9, 35}),
        letters=(_span(0, 36) - {1}, _span(10, 13) | {20}),
    ),
    MrzFormat.TD1: _Kinds(
        digits=(frozenset({14}), _span(0, 7) | _span(8, 15) | {29}, frozenset()),
        letters=(_span(0, 5) - {1}, _span(15, 18) | {7}, _span(0, 30)),
    ),
}


def mrz_like_lines(text: str) -> list[str]:
    """Lines of OCR output with spaces removed, long enough to be part of an MRZ."""
    lines = []
    for raw in text.upper().splitlines():
        line = "".join(char for char in raw if char in MRZ_ALPHABET)
        if len(line) >= 20:
            lines.append(line)
    return lines


def _guess_format(lines: list[str]) -> MrzFormat:
    if len(lines) == 3:
        return MrzFormat.TD1
    mean = sum(len(line) for line in lines) / len(lines)
    return MrzFormat.TD3 if mean > 40 else MrzFormat.TD2


def _fix_kinds(line: str, digits: frozenset[int], letters: frozenset[int]) -> str:
    chars = list(line)
    for index, char in enumerate(chars):
        if index in digits:
            chars[index] = char.translate(_TO_DIGIT)
        elif index in letters:
            chars[index] = char.translate(_TO_LETTER)
    return "".join(chars)


def _length_variants(line: str, width: int) -> list[str]:
    """The line itself if it fits; else the same line with a filler run made to fit."""
    excess = len(line) - width
    if excess == 0:
        return [line]
    variants = []
    runs = sorted(_FILLER_RUN.finditer(line), key=lambda run: run.end() - run.start(), reverse=True)
    for run in runs[:3]:
        length = run.end() - run.start() - excess
        if length >= 1:
            variants.append(line[: run.start()] + FILLER * length + line[run.end() :])
    if not variants:
        # No filler run to absorb the difference: cut or pad at the end, so that at
        # least a best guess comes out for the person to correct.
        variants.append(line[:width].ljust(width, FILLER))
    return variants


@dataclass(frozen=True, slots=True)
class Interpretation:
    lines: tuple[str, ...]
    reading: MrzReading

    @property
    def passed(self) -> int:
        return sum(check.passed for check in self.reading.checks)


def interpret(text: str, *, line_count: int, today: dt.date) -> Interpretation | None:
    """The best MRZ reading of one OCR output: valid if any variant validates.

    None when the output does not have ``line_count`` MRZ-like lines.
    """
    lines = mrz_like_lines(text)
    if len(lines) < line_count:
        return None
    # Stray text above the MRZ comes first; the MRZ is the last lines of the crop.
    lines = lines[-line_count:]
    fmt = _guess_format(lines)
    kinds = _KINDS[fmt]
    per_line = [_length_variants(line, fmt.line_length) for line in lines]
    best: Interpretation | None = None
    for combination in itertools.islice(itertools.product(*per_line), _MAX_VARIANTS):
        fixed = tuple(
            _fix_kinds(line, kinds.digits[index], kinds.letters[index])
            for index, line in enumerate(combination)
        )
        candidate = Interpretation(lines=fixed, reading=parse_mrz(fixed, today=today))
        if candidate.reading.valid:
            return candidate
        if best is None or candidate.passed > best.passed:
            best = candidate
    return best
