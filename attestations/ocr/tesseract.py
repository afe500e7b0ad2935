"""Run the tesseract binary: no shell, a clean environment, a timeout, image on stdin."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

from attestations.ocr.config import Model, TesseractConfig
from attestations.ocr.errors import OcrEngineError
from attestations.ocr.types import OcrLine

MRZ_WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"


def tesseract_command(config: TesseractConfig, model: Model) -> list[str]:
    binary = shutil.which(config.binary)
    if binary is None:
        raise OcrEngineError(f"the tesseract binary {config.binary!r} was not found")
    command = [binary, "stdin", "stdout"]
    if model.tessdata_dir is not None:
        command += ["--tessdata-dir", str(model.tessdata_dir)]
    return [
        *command,
        "-l", model.name,
        # One uniform block of text: the cropped MRZ lines.
        "--psm", "6",
        "-c", f"tessedit_char_whitelist={MRZ_WHITELIST}",
        # The MRZ is not language: word lists only pull readings towards words.
        "-c", "load_system_dawg=0",
        "-c", "load_freq_dawg=0",
        # Words with their confidence (TSV) rather than plain text.
        "-c", "tessedit_create_tsv=1",
        "-c", "tessedit_create_txt=0",
    ]  # fmt: skip


def parse_tsv(tsv: str) -> tuple[OcrLine, ...]:
    """Tesseract's TSV output, grouped into lines in reading order."""
    words: dict[tuple[str, str, str, str], list[tuple[str, float]]] = {}
    for row in tsv.splitlines()[1:]:
        columns = row.split("\t")
        # level 5 is a word; columns: level page block paragraph line word x y w h conf text
        if len(columns) < 12 or columns[0] != "5" or not columns[11].strip():
            continue
        try:
            confidence = float(columns[10])
        except ValueError:
            continue
        key = (columns[1], columns[2], columns[3], columns[4])
        words.setdefault(key, []).append((columns[11].strip(), confidence))
    return tuple(
        OcrLine(
            text="".join(text for text, _ in line),
            confidence=min(confidence for _, confidence in line),
        )
        for line in words.values()
    )


def run_tesseract(image_png: bytes, *, config: TesseractConfig, model: Model) -> str:
    """Tesseract's TSV reading of the MRZ crop ``image_png``; OcrEngineError if it cannot run."""
    return run_command(tesseract_command(config, model), image_png, config=config)


def run_command(command: list[str], image_png: bytes, *, config: TesseractConfig) -> str:
    """Run a tesseract ``command`` that reads ``image_png`` from stdin; its stdout."""
    environment = {
        "PATH": os.environ.get("PATH", os.defpath),
        # Small images: threads cost more than they bring, and readers run in parallel.
        "OMP_THREAD_LIMIT": "1",
        "LC_ALL": "C",
    }
    # Its own session, so that a timeout stops everything it started, not just itself.
    with subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(image_png, timeout=config.timeout_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise OcrEngineError(
                f"tesseract took longer than {config.timeout_seconds} s and was stopped"
            ) from None
    if process.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip()[-500:]
        raise OcrEngineError(f"tesseract exited with status {process.returncode}: {detail}")
    return stdout.decode("utf-8", "replace")
