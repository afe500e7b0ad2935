"""CSV values safe to open in a spreadsheet.

A cell starting with ``= + - @`` (or a tab / carriage return that some
spreadsheets skip before them) is read as a formula: a CSV export of
user-supplied text could run one on an admin's machine. Such values get a
leading apostrophe, which spreadsheets show as plain text.
"""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
