"""Celery tasks: thin, take ids, call one service. Each function has its task's name."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from celery import shared_task
from django.conf import settings

from screening.formats import ImportRefused
from screening.http import FetchFailed, download
from screening.services import rescreens
from screening.services.snapshots import snapshot_import

logger = logging.getLogger(__name__)


# acks_late: a worker killed mid-job leaves the message for the next, which resumes.
@shared_task(name="screening.rescreen_run", acks_late=True)
def rescreen_run(job_id: int) -> None:
    rescreens.rescreen_run(job_id=job_id)


@shared_task(name="screening.rescreens_resume_stalled", acks_late=True)
def rescreens_resume_stalled() -> int:
    # Idempotent: sending a re-screen twice only resumes it from its cursor.
    return rescreens.rescreens_resume_stalled()


def csl_fetch_and_import() -> str:
    """Fetch the CSL from ``IDV_SCREENING_CSL_URL`` and import it; a failure keeps the
    lists in force and is logged as an error for the operators."""
    url: str = settings.IDV_SCREENING_CSL_URL
    if not url:
        return "off"
    with tempfile.TemporaryDirectory(prefix="idv-csl-") as folder:
        suffix = ".json" if url.split("?", maxsplit=1)[0].endswith(".json") else ".csv"
        path = Path(folder) / f"csl{suffix}"
        try:
            download(
                url,
                dest=path,
                timeout=settings.IDV_SCREENING_FETCH_TIMEOUT,
                max_bytes=settings.IDV_SCREENING_FETCH_MAX_BYTES,
            )
            result = snapshot_import(path=path, origin=url)
        except (FetchFailed, ImportRefused) as exc:
            logger.error("CSL fetch refused; the lists in force are unchanged: %s", exc.message)
            return f"refused: {exc.message}"
    return "imported" if result.changed else "unchanged"


@shared_task(name="screening.csl_fetch", acks_late=True)
def csl_fetch() -> str:
    return csl_fetch_and_import()
