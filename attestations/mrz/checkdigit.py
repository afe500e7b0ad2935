"""ICAO 9303 check digits (Part 3, section 4.9)."""

from __future__ import annotations

import itertools
import string

FILLER = "<"
MRZ_ALPHABET = frozenset(string.ascii_uppercase + string.digits + FILLER)

# 0-9 count as themselves, A-Z as 10-35, the filler as 0.
_VALUES = {
    **{digit: int(digit) for digit in string.digits},
    **{letter: 10 + index for index, letter in enumerate(string.ascii_uppercase)},
    FILLER: 0,
}
_WEIGHTS = (7, 3, 1)


def check_digit(data: str) -> str:
    """The check digit of ``data`` as the one-character string printed in the MRZ."""
    try:
        total = sum(_VALUES[char] * weight for char, weight in zip(data, itertools.cycle(_WEIGHTS)))
    except KeyError as error:
        raise ValueError(f"{error.args[0]!r} is not an MRZ character") from None
    return str(total % 10)
