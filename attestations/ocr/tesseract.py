"""Run the tesseract binary: no shell, a clean environment, a timeout, image on stdin."""

from __future__ import annotations

import os
import shutil
import subprocess

from attestations.ocr.config import Model, TesseractConfig
from attestations.ocr.errors import OcrEngineError

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
    ]  # fmt: skip


def run_tesseract(image_png: bytes, *, config: TesseractConfig, model: Model) -> str:
    """The text tesseract reads in ``image_png``; OcrEngineError if it cannot run."""
    command = tesseract_command(config, model)
    environment = {
        "PATH": os.environ.get("PATH", os.defpath),
        # Small images: threads cost more than they bring, and readers run in parallel.
        "OMP_THREAD_LIMIT": "1",
        "LC_ALL": "C",
    }
    try:
        completed = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            command,
            input=image_png,
            capture_output=True,
            timeout=config.timeout_seconds,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise OcrEngineError(
            f"tesseract took longer than {config.timeout_seconds} s and was stopped"
        ) from None
    except OSError as error:
        raise OcrEngineError(f"tesseract could not be started: {error}") from None
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip()[-500:]
        raise OcrEngineError(f"tesseract exited with status {completed.returncode}: {detail}")
    return completed.stdout.decode("utf-8", "replace")
