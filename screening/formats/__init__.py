"""Readers for the published list formats. Each returns every entry or refuses the
whole file with the line and the reason; nothing is written here."""

from __future__ import annotations

from screening.formats.common import FORMAT_FEED, FORMATS, ImportRefused, ParsedEntry, ParsedList
from screening.formats.detect import guess_format, read_list

__all__ = [
    "FORMATS",
    "FORMAT_FEED",
    "ImportRefused",
    "ParsedEntry",
    "ParsedList",
    "guess_format",
    "read_list",
]
