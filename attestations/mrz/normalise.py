"""Turn what a person typed (or OCR printed) into MRZ lines, or say exactly what is wrong."""

from __future__ import annotations

import re
from collections.abc import Sequence

from attestations.mrz.checkdigit import MRZ_ALPHABET
from attestations.mrz.types import MrzFormat

_WHITESPACE = re.compile(r"\s+")
_BY_TOTAL_LENGTH = {fmt.line_count * fmt.line_length: fmt for fmt in MrzFormat}


class MrzInputError(ValueError):
    """The input cannot be read as an MRZ; ``code`` is stable, ``message`` is for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _split(raw: str | Sequence[str]) -> list[str]:
    chunks = raw.splitlines() if isinstance(raw, str) else [str(line) for line in raw]
    lines = []
    for chunk in chunks:
        # A list element may itself hold several lines (e.g. pasted into one form field).
        for line in chunk.splitlines() or [""]:
            compact = _WHITESPACE.sub("", line).upper()
            if compact:
                lines.append(compact)
    return lines


def _expected_format(lines: list[str]) -> MrzFormat:
    if len(lines) == 3:
        return MrzFormat.TD1
    lengths = {len(line) for line in lines}
    if MrzFormat.TD3.line_length in lengths:
        return MrzFormat.TD3
    if MrzFormat.TD2.line_length in lengths:
        return MrzFormat.TD2
    # Neither line has a valid length: judge by the longer one which format was meant.
    midpoint = (MrzFormat.TD2.line_length + MrzFormat.TD3.line_length) / 2
    return MrzFormat.TD3 if max(lengths) > midpoint else MrzFormat.TD2


def _shape(lines: list[str]) -> tuple[MrzFormat, list[str]]:
    if len(lines) == 1 and len(lines[0]) in _BY_TOTAL_LENGTH:
        # The whole MRZ typed or pasted as one run of characters.
        fmt = _BY_TOTAL_LENGTH[len(lines[0])]
        text = lines[0]
        width = fmt.line_length
        return fmt, [text[start : start + width] for start in range(0, len(text), width)]
    if len(lines) not in (2, 3):
        found = (
            f"1 line of {len(lines[0])} characters" if len(lines) == 1 else f"{len(lines)} lines"
        )
        raise MrzInputError(
            "mrz_line_count",
            "Machine-readable lines come as 2 lines (passport, TD2) or 3 lines (ID card); "
            f"this text has {found}.",
        )
    fmt = _expected_format(lines)
    for number, line in enumerate(lines, 1):
        if len(line) != fmt.line_length:
            raise MrzInputError(
                "mrz_line_length",
                f"Line {number} has {len(line)} characters; every line of a "
                f"{fmt.description} has {fmt.line_length}. "
                "Count the < fillers: each one matters.",
            )
    return fmt, lines


def normalise_mrz(raw: str | Sequence[str]) -> tuple[MrzFormat, tuple[str, ...]]:
    """Strip whitespace, uppercase, split into lines and check the shape and the alphabet.

    Accepts one string (lines separated by newlines, or the whole MRZ as one run
    of characters) or a sequence of lines. Raises :class:`MrzInputError`.
    """
    lines = _split(raw)
    if not lines:
        raise MrzInputError("mrz_empty", "No MRZ was given.")
    fmt, shaped = _shape(lines)
    for number, line in enumerate(shaped, 1):
        for position, char in enumerate(line, 1):
            if char not in MRZ_ALPHABET:
                raise MrzInputError(
                    "mrz_invalid_character",
                    f"Line {number}, position {position}: {char!r} cannot appear in an MRZ, "
                    "which uses only the letters A-Z, the digits 0-9 and the filler <.",
                )
    return fmt, tuple(shaped)
