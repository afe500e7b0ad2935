"""``/readyz`` says which OCR model reads documents; missing OCR warns but never fails."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from attestations import reading
from attestations.ocr import TesseractConfig

pytestmark = pytest.mark.django_db

SHARED_MODEL = Path(__file__).resolve().parents[2] / "share" / "tesseract"


def _ocr(client: Client) -> dict[str, Any]:
    response = client.get("/readyz")
    check: dict[str, Any] = response.json()["checks"]["ocr"]
    return check


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr not installed")
def test_without_the_mrz_model_the_english_model_is_named_with_a_warning(settings: Any) -> None:
    settings.IDV_TESSDATA_DIR = None
    check = _ocr(Client())
    assert (check["status"], check["model"]) == ("warn", "eng")
    assert "IDV_TESSDATA_DIR" in check["message"]


@pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract-ocr not installed",
)
def test_with_the_mrz_model_configured_it_is_named_and_ok(settings: Any) -> None:
    settings.IDV_TESSDATA_DIR = str(SHARED_MODEL)
    check = _ocr(Client())
    assert (check["status"], check["model"]) == ("ok", "mrz")
    assert check["tessdata_dir"] == str(SHARED_MODEL)


def test_a_missing_ocr_engine_is_a_warning_not_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        reading, "tesseract_config", lambda: TesseractConfig(binary="no-such-tesseract")
    )
    check = _ocr(Client())
    assert check["status"] == "warn"
    assert check["available"] is False
