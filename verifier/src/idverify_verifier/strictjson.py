"""Strict JSON: UTF-8 only, objects at the top, no duplicate names, no NaN or Infinity.

Everything here raises ``InvalidToken("malformed", ...)``; nothing else escapes.
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable
from typing import Any, Final, NoReturn

from idverify_verifier.errors import InvalidToken


class _DuplicateKeyError(ValueError):
    pass


def _reject_constant(name: str) -> NoReturn:
    # json accepts NaN, Infinity and -Infinity by default; JSON itself does not.
    raise ValueError(f"non-standard JSON constant {name}")


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _DuplicateKeyError("duplicate member name")
    return obj


_DECODER: Final = json.JSONDecoder(
    object_pairs_hook=_unique_object, parse_constant=_reject_constant
)


def _scanner(decoder: json.JSONDecoder) -> Callable[[str, int], tuple[Any, int]]:
    # The C scanner behind JSONDecoder.decode, minus the whitespace handling decode()
    # does in Python. typeshed types the scanner's context as the scanner class.
    scan: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(
        decoder  # type: ignore[arg-type]
    )
    return scan


_scan_once: Final = _scanner(_DECODER)


def malformed(message: str) -> InvalidToken:
    return InvalidToken("malformed", message)


def parse_json_object(raw: bytes, what: str) -> dict[str, Any]:
    """Parse UTF-8 JSON that must be an object, refusing duplicate names and NaN/Infinity."""
    try:
        text = raw.decode("utf-8")
        try:
            value, end = _scan_once(text, 0)
        except StopIteration:
            end = -1
        if end != len(text):
            # Surrounding whitespace, or an error: the full decoder sorts either out.
            value = _DECODER.decode(text)
    except _DuplicateKeyError:
        raise malformed(f"the {what} has a duplicate member name") from None
    except (ValueError, RecursionError):
        # ValueError covers UnicodeDecodeError, JSONDecodeError and oversized integers.
        raise malformed(f"the {what} is not strict UTF-8 JSON") from None
    if type(value) is not dict:
        raise malformed(f"the {what} is not a JSON object")
    return value
