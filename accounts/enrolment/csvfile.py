"""The CSV file: structure checks, encrypted storage in parts, and streamed reading.

Nothing here holds the whole file in memory: uploads are read and stored
1 MiB at a time, and rows are parsed from a stream of decrypted parts.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from accounts.models import EnrolmentUpload, EnrolmentUploadPart
from idverify import crypto
from idverify.errors import ValidationFailed

REQUIRED_COLUMNS = ("email", "given_name", "family_name")
OPTIONAL_COLUMNS = ("employee_id", "department", "sponsor")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
PART_SIZE = 1024 * 1024
_SAMPLE = 8192
_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}
_OTHER_FORMATS = {
    b"PK\x03\x04": "an Excel workbook or another zip file",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook",
    b"%PDF": "a PDF document",
}
_SAVE_AS = "Save it from your spreadsheet as “CSV UTF-8 (comma delimited)” and upload that."


class FileRejected(ValidationFailed):
    """The file as a whole cannot be read as an enrolment CSV; nothing was stored."""

    code = "invalid_file"

    def __init__(self, code: str, message: str, *, line: int | None = None) -> None:
        where = f"Line {line}: " if line else ""
        super().__init__(
            where + message,
            code=code,
            fields={"file": [where + message]},
            extra={"line": line} if line else None,
        )


@dataclass(frozen=True)
class FileShape:
    columns: tuple[str, ...]
    rows_total: int


def normalise_header(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def text_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Decode UTF-8 (a leading BOM dropped) and cut at ``\\n``, keeping line ends for csv."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    pending = ""
    for chunk in chunks:
        pending += decoder.decode(chunk)
        lines = pending.split("\n")
        pending = lines.pop()
        for line in lines:
            yield line + "\n"
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def data_rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) for every non-blank record, the header included."""
    reader = csv.reader(lines, strict=True)
    previous_end = 0
    for fields in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if any(field.strip() for field in fields):
            yield start, fields


def _sniff(head: bytes) -> None:
    for bom, name in _BOMS.items():
        if head.startswith(bom):
            raise FileRejected("wrong_encoding", f"The file is saved as {name}. {_SAVE_AS}")
    for magic, what in _OTHER_FORMATS.items():
        if head.startswith(magic):
            raise FileRejected("wrong_format", f"The file is {what}, not a CSV file. {_SAVE_AS}")
    if b"\x00" in head:
        odd_nuls = head[1::2].count(0)
        if odd_nuls > len(head) // 4:
            raise FileRejected("wrong_encoding", f"The file looks like UTF-16. {_SAVE_AS}")
        raise FileRejected("binary_file", f"The file is not a text file. {_SAVE_AS}")


def check_header(fields: list[str]) -> tuple[str, ...]:
    if len(fields) == 1:
        for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
            if delimiter in fields[0]:
                raise FileRejected(
                    "wrong_delimiter",
                    f"The columns are separated by {name}; use commas. {_SAVE_AS}",
                    line=1,
                )
    columns = tuple(normalise_header(f) for f in fields)
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise FileRejected(
            "duplicate_columns", f"These columns appear twice: {', '.join(duplicates)}.", line=1
        )
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise FileRejected(
            "unknown_columns",
            f"Unknown columns: {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)}.",
            line=1,
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise FileRejected(
            "missing_columns",
            f"Required columns are missing: {', '.join(missing)}. The first line must name "
            f"the columns: {', '.join(COLUMNS)}.",
            line=1,
        )
    return columns


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while block := stream.read(PART_SIZE):
        yield block


def inspect(stream: IO[bytes], *, size: int) -> FileShape:
    """Read the whole file once: encoding, CSV syntax, header, row count. Raises FileRejected."""
    max_bytes: int = settings.IDV_ENROLMENT_MAX_BYTES
    max_rows: int = settings.IDV_ENROLMENT_MAX_ROWS
    if size == 0:
        raise FileRejected("empty_file", "The file is empty.")
    if size > max_bytes:
        raise FileRejected(
            "file_too_large",
            f"The file is {size / 1_048_576:.1f} MB; the limit is {max_bytes // 1_048_576} MB. "
            "Split it into several files.",
        )
    stream.seek(0)
    _sniff(stream.read(_SAMPLE))
    stream.seek(0)
    columns: tuple[str, ...] | None = None
    rows = 0
    line = 0
    try:
        for line, fields in data_rows(text_lines(_chunks(stream))):
            if columns is None:
                columns = check_header(fields)
                continue
            rows += 1
            if rows > max_rows:
                raise FileRejected(
                    "too_many_rows",
                    f"The file has more than {max_rows:,} rows; split it into several files.",
                    line=line,
                )
    except UnicodeDecodeError:
        raise FileRejected(
            "wrong_encoding", f"The file is not valid UTF-8 after line {line}. {_SAVE_AS}"
        ) from None
    except csv.Error as exc:
        raise _csv_error(exc, line + 1) from None
    if columns is None:
        raise FileRejected("empty_file", "The file has no header line and no rows.")
    if rows == 0:
        raise FileRejected("no_rows", "The file has a header line but no rows.")
    return FileShape(columns=columns, rows_total=rows)


def _csv_error(exc: csv.Error, line: int) -> FileRejected:
    text = str(exc)
    if "field larger than field limit" in text:
        return FileRejected(
            "field_too_long",
            f"A value is longer than {csv.field_size_limit():,} characters "
            "(an unclosed quote can cause this).",
            line=line,
        )
    return FileRejected("malformed_csv", f"The file is not valid CSV ({text}).", line=line)


def _purpose(upload: EnrolmentUpload, index: int, last: bool) -> str:
    # Binding the index and "last" flag stops parts being reordered or cut off.
    return f"enrolment-upload:{upload.public_id}:{index}:{'last' if last else 'more'}"


def store(upload: EnrolmentUpload, stream: IO[bytes]) -> str:
    """Encrypt the file into parts; return its SHA-256. Call inside the upload's transaction."""
    stream.seek(0)
    digest = hashlib.sha256()
    parts = []
    block = stream.read(PART_SIZE)
    index = 0
    while block:
        following = stream.read(PART_SIZE)
        digest.update(block)
        parts.append(
            EnrolmentUploadPart(
                upload=upload,
                index=index,
                data=crypto.encrypt(block, purpose=_purpose(upload, index, not following)),
            )
        )
        if len(parts) >= 4:
            EnrolmentUploadPart.objects.bulk_create(parts)
            parts = []
        block, index = following, index + 1
    EnrolmentUploadPart.objects.bulk_create(parts)
    upload.parts = index
    return digest.hexdigest()


def read_parts(upload: EnrolmentUpload) -> Iterator[bytes]:
    """The file's bytes, one decrypted part at a time."""
    for index in range(upload.parts):
        blob = (
            EnrolmentUploadPart.objects.filter(upload=upload, index=index)
            .values_list("data", flat=True)
            .first()
        )
        if blob is None:
            raise FileRejected("upload_missing", "The uploaded file is gone; upload it again.")
        yield crypto.decrypt(
            bytes(blob), purpose=_purpose(upload, index, index == upload.parts - 1)
        )


def upload_records(upload: EnrolmentUpload) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) of every data row of a stored upload; the header is skipped."""
    records = data_rows(text_lines(read_parts(upload)))
    next(records, None)
    yield from records
