"""CSV values safe to open in a spreadsheet.

A cell a spreadsheet reads as a formula (it starts with ``= + - @``) could run
one on an admin's machine when a CSV export of user-supplied text is opened.
Spreadsheets skip what comes before the sign in ways that differ between them,
so the check looks past any leading whitespace (every Unicode space, NBSP,
U+2000-U+200B, U+3000, the BOM, tabs, CR and LF) and invisible or control
characters, and compares in NFKC form (so a fullwidth equals sign U+FF1D or a
small-form plus U+FE62 counts as its ASCII sign). Such a value gets a leading apostrophe, which
spreadsheets show as plain text; the value itself is otherwise unchanged.

The same test refuses email addresses that start like a formula
(``formula_start``): they are stored, then exported.
"""

from __future__ import annotations

import unicodedata

FORMULA_SIGNS = frozenset("=+-@")
# Categories a spreadsheet may skip or not show before the sign: spaces, line and
# paragraph separators, control characters (tab, CR, LF) and format characters
# (zero-width space, BOM, joiners, soft hyphen).
_SKIPPED_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
# Some spreadsheets treat a leading tab or carriage return as a formula start itself.
_ALWAYS_ESCAPED = ("\t", "\r")


def _skipped(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in _SKIPPED_CATEGORIES


def formula_start(value: str) -> bool:
    """Whether the first visible character of ``value`` is a formula sign (after NFKC)."""
    first = value[:1]
    if first.isascii() and first.isprintable() and not first.isspace():
        return first in FORMULA_SIGNS  # the common case, without normalising the value
    for char in unicodedata.normalize("NFKC", value):
        if not _skipped(char):
            return char in FORMULA_SIGNS
    return False


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_ALWAYS_ESCAPED) or formula_start(text):
        return "'" + text
    return text
