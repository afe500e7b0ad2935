"""Which reader a file needs, from its name and its first line when not told."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from screening.formats.bis import read_bis_dpl
from screening.formats.common import FORMATS, ImportRefused, ParsedList
from screening.formats.csl import read_csl_csv, read_csl_json
from screening.formats.ofac import read_ofac

READERS: dict[str, Callable[[Path], ParsedList]] = {
    "csl-csv": read_csl_csv,
    "csl-json": read_csl_json,
    "ofac-sdn": read_ofac,
    "bis-dpl": read_bis_dpl,
}


def guess_format(path: Path) -> str:
    if path.is_dir():
        if (path / "sdn.csv").is_file():
            return "ofac-sdn"
        raise ImportRefused("a directory must hold OFAC's sdn.csv.", file=str(path))
    if path.name.casefold() == "sdn.csv":
        return "ofac-sdn"
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise ImportRefused(f"the file cannot be read ({exc.strerror}).", file=path.name) from None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").decode("utf-8", "replace")
    if not text:
        raise ImportRefused("the file is empty.", file=path.name)
    first = text.splitlines()[0]
    if text[0] in "{[":
        return "csl-json"
    if "\t" in first and "name" in first.casefold():
        return "bis-dpl"
    columns = [c.strip().strip('"').casefold() for c in first.split(",")]
    if "source" in columns and "name" in columns:
        return "csl-csv"
    if columns and columns[0].isdigit():
        return "ofac-sdn"
    raise ImportRefused(
        f"cannot tell the list's format; give --format (one of {', '.join(FORMATS)}).",
        file=path.name,
        line=1,
    )


def read_list(path: Path, fmt: str | None = None) -> ParsedList:
    """Every entry of the list at ``path``, or ImportRefused naming the line and the reason."""
    if fmt is not None and fmt not in READERS:
        raise ImportRefused(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if not path.exists():
        raise ImportRefused("no such file or directory.", file=str(path))
    chosen = fmt or guess_format(path)
    parsed = READERS[chosen](path)
    if not parsed.entries:
        raise ImportRefused("the list has no entries.", file=path.name)
    return parsed
