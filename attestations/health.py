"""``/readyz`` reports which OCR model reads documents (a warning, never a failure:
without OCR people type their MRZ, and the service still works)."""

from __future__ import annotations

from attestations.pdf import pdftoppm_available
from attestations.reading import ocr_model_info
from idverify.health import CheckResult, readiness_check


@readiness_check("ocr")
def check_ocr() -> CheckResult:
    info = ocr_model_info()
    details: dict[str, object] = {**info, "pdf_rendering": pdftoppm_available()}
    if not info["available"]:
        return CheckResult(
            "warn", "No OCR engine: people type their document's MRZ instead.", details
        )
    if info["model"] != "mrz":
        return CheckResult(
            "warn",
            f"OCR uses the general {info['model']!r} model; set IDV_TESSDATA_DIR to a "
            "directory with mrz.traineddata to read more documents automatically.",
            details,
        )
    return CheckResult("ok", "OCR reads documents with the MRZ-trained model.", details)
