"""ICAO Doc 9303 check digits (Part 3, section 4.9)."""

from __future__ import annotations

import string

FILLER = "<"
MRZ_ALPHABET = frozenset(string.ascii_uppercase + string.digits + FILLER)

_WEIGHTS = (7, 3, 1)


def _value(char: str) -> int:
    if "0" <= char <= "9":
        return ord(char) - ord("0")
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == FILLER:
        return 0
    raise ValueError(f"{char!r} is not an MRZ character")


def check_digit(data: str) -> str:
    """The check digit of ``data`` as the one-character string printed in the MRZ."""
    total = sum(_value(char) * _WEIGHTS[index % 3] for index, char in enumerate(data))
    return str(total % 10)
