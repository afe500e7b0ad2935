"""From OCR text to MRZ lines: fix what the field types allow, nothing more.

OCR of the MRZ makes two kinds of mistakes that the MRZ itself lets us undo:
a letter read in a position that only holds digits (``O`` for ``0``), or the
other way round, and a filler run read one ``<`` too long or too short. Both
repairs are only offered to the parser: a reading is kept only when every check
digit then validates. The name, the issuer, the nationality and the sex are
covered by no check digit, so a reading is acceptable only when the engine was
confident of every line and the name line needed no refitting.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from attestations.mrz import MrzFormat, MrzReading, parse_mrz
from attestations.mrz.checkdigit import FILLER, MRZ_ALPHABET
from attestations.ocr.types import OcrLine

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


def mrz_like_lines(lines: Sequence[OcrLine]) -> list[OcrLine]:
    """Lines of OCR output reduced to the MRZ alphabet, long enough to be part of an MRZ."""
    kept = []
    for line in lines:
        text = "".join(char for char in line.text.upper() if char in MRZ_ALPHABET)
        if len(text) >= 20:
            kept.append(OcrLine(text, line.confidence))
    return kept


def _guess_format(lines: Sequence[str]) -> MrzFormat:
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
    """One reading of an OCR output.

    ``trusted`` is False when the name line had to be refitted to its length (an
    inserted or dropped letter in the name could pass every check unseen);
    ``confidence`` is the engine's confidence in its least certain line.
    """

    lines: tuple[str, ...]
    reading: MrzReading
    trusted: bool
    confidence: float
    min_confidence: float

    @property
    def passed(self) -> int:
        return sum(check.passed for check in self.reading.checks)

    @property
    def acceptable(self) -> bool:
        return self.trusted and self.confidence >= self.min_confidence and self.reading.valid


def interpret(
    ocr_lines: Sequence[OcrLine], *, line_count: int, today: dt.date, min_confidence: float
) -> Interpretation | None:
    """The best MRZ reading of one OCR output: acceptable if any variant is.

    None when the output does not have ``line_count`` MRZ-like lines.
    """
    found = mrz_like_lines(ocr_lines)
    if len(found) < line_count:
        return None
    # Stray text above the MRZ comes first; the MRZ is the last lines of the crop.
    found = found[-line_count:]
    lines = [line.text for line in found]
    fmt = _guess_format(lines)
    kinds = _KINDS[fmt]
    per_line = [_length_variants(line, fmt.line_length) for line in lines]
    name_line = 2 if fmt is MrzFormat.TD1 else 0
    trusted = len(lines[name_line]) == fmt.line_length
    confidence = min(line.confidence for line in found)
    best: Interpretation | None = None
    for combination in itertools.islice(itertools.product(*per_line), _MAX_VARIANTS):
        fixed = tuple(
            _fix_kinds(line, kinds.digits[index], kinds.letters[index])
            for index, line in enumerate(combination)
        )
        candidate = Interpretation(
            fixed, parse_mrz(fixed, today=today), trusted, confidence, min_confidence
        )
        if candidate.acceptable:
            return candidate
        if best is None or (candidate.reading.valid, candidate.passed) > (
            best.reading.valid,
            best.passed,
        ):
            best = candidate
    return best
