"""Per-row results: written encrypted per chunk, read back as one CSV or an error list."""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Iterator
from typing import Any

from django.db.models import Sum
from django.http import StreamingHttpResponse

from accounts.enrolment.csvfile import COLUMNS
from accounts.enrolment.rows import Row
from accounts.models import EnrolmentJob, EnrolmentResultChunk
from idverify import crypto
from idverify.csvsafe import neutralise

RESULT_COLUMNS = (*COLUMNS, "status", "error", "line", "screening")


def _purpose(job: EnrolmentJob, index: int) -> str:
    return f"enrolment-results:{job.public_id}:{index}"


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def seal_chunk(job: EnrolmentJob, index: int, rows: list[Row]) -> bytes:
    """The chunk's result lines, formula-safe, compressed and encrypted."""
    lines = [
        [
            *(neutralise(row.values[name]) for name in COLUMNS),
            row.status,
            neutralise(" ".join(e.message for e in row.errors)),
            str(row.line),
            row.screening,
        ]
        for row in rows
    ]
    packed = zlib.compress(_csv_text(lines).encode("utf-8"), 1)
    return crypto.encrypt(packed, purpose=_purpose(job, index))


def results_csv(job: EnrolmentJob) -> Iterator[str]:
    """The whole results file, streamed a chunk at a time (UTF-8 with a BOM for Excel)."""
    yield "\ufeff" + _csv_text([list(RESULT_COLUMNS)])
    for index in range(job.chunks_done):
        blob = (
            EnrolmentResultChunk.objects.filter(job=job, index=index)
            .values_list("data", flat=True)
            .first()
        )
        if blob is None:
            continue
        packed = crypto.decrypt(bytes(blob), purpose=_purpose(job, index))
        yield zlib.decompress(packed).decode("utf-8")


def template_csv() -> str:
    return _csv_text([list(COLUMNS)])


def errors_page(job: EnrolmentJob, *, offset: int, limit: int) -> list[dict[str, Any]]:
    """Row errors in line order, from ``offset``, at most ``limit`` of them."""
    page: list[dict[str, Any]] = []
    skipped = 0
    chunks = (
        EnrolmentResultChunk.objects.filter(job=job, error_count__gt=0)
        .order_by("index")
        .values_list("error_count", "errors")
    )
    for count, errors in chunks.iterator(chunk_size=20):
        if skipped + count <= offset:
            skipped += count
            continue
        start = max(offset - skipped, 0)
        page.extend(errors[start : start + limit - len(page)])
        skipped += count
        if len(page) >= limit:
            break
    return page


def error_total(job: EnrolmentJob) -> int:
    total = EnrolmentResultChunk.objects.filter(job=job).aggregate(n=Sum("error_count"))["n"]
    return int(total or 0)


def results_response(job: EnrolmentJob) -> StreamingHttpResponse:
    """The results CSV as a download, streamed (the page and the API both serve it)."""
    response = StreamingHttpResponse(results_csv(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="enrolment-{job.public_id}.csv"'
    response["Cache-Control"] = "no-store"
    return response
