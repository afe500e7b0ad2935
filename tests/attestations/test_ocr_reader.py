"""Reading MRZs from images with tesseract: exact reads, honest doubt, clean failures."""

from __future__ import annotations

import io
import shutil
import stat
import time
from pathlib import Path

import pytest
from PIL import Image

from attestations.ocr import (
    ImageRejectedError,
    MrzReader,
    OcrEngineError,
    OcrStatus,
    TesseractConfig,
    TesseractMrzReader,
    model_info,
)
from attestations.ocr.tesseract import tesseract_command
from tests.support.document_images import (
    document_sample,
    encode,
    find_mrz_tessdata,
    render_without_mrz,
    with_exif_orientation,
)

pytestmark = [
    pytest.mark.ocr,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="the tesseract binary is absent"),
]


@pytest.fixture(scope="module")
def mrz_reader() -> TesseractMrzReader:
    tessdata = find_mrz_tessdata()
    if tessdata is None:
        pytest.fail(
            "mrz.traineddata not found: set IDV_TESSDATA_DIR, or restore the copy the "
            "repository ships in share/tesseract"
        )
    reader = TesseractMrzReader(TesseractConfig(tessdata_dir=tessdata))
    assert reader.model.name == "mrz"
    return reader


@pytest.mark.parametrize("kind", ["TD3", "TD1"])
def test_a_clean_scan_is_read_exactly(mrz_reader: TesseractMrzReader, kind: str) -> None:
    sample = document_sample(7, kind=kind, degraded=False)  # type: ignore[arg-type]

    outcome = mrz_reader.read(sample.image)

    assert outcome.status is OcrStatus.READ
    assert outcome.lines == sample.lines
    assert outcome.model == "mrz"
    assert len(outcome.passes) >= 2
    assert outcome.timings.decode + outcome.timings.locate + outcome.timings.ocr > 0
    assert outcome.timings.total >= outcome.timings.ocr


def test_degraded_photos_are_mostly_read_and_never_accepted_wrongly(
    mrz_reader: TesseractMrzReader,
) -> None:
    samples = [
        document_sample(seed, kind=kind, degraded=True)  # type: ignore[arg-type]
        for kind in ("TD3", "TD1")
        for seed in range(100, 106)
    ]

    outcomes = [mrz_reader.read(sample.image) for sample in samples]

    read = [
        o.lines == s.lines
        for o, s in zip(outcomes, samples, strict=True)
        if o.status is OcrStatus.READ
    ]
    assert all(read), "an accepted reading differs from the document"
    assert len(read) >= 10


def test_a_sideways_phone_photo_is_read_after_its_exif_orientation(
    mrz_reader: TesseractMrzReader,
) -> None:
    sample = document_sample(8, kind="TD1", degraded=False)

    outcome = mrz_reader.read(with_exif_orientation(sample.image, 6))

    assert outcome.status is OcrStatus.READ
    assert outcome.lines == sample.lines


def test_a_page_scanned_upside_down_is_read(mrz_reader: TesseractMrzReader) -> None:
    sample = document_sample(9, kind="TD3", degraded=False)
    upside_down = Image.open(io.BytesIO(sample.image)).rotate(180)

    outcome = mrz_reader.read(encode(upside_down))

    assert outcome.status is OcrStatus.READ
    assert outcome.lines == sample.lines
    assert any(attempt.upside_down for attempt in outcome.passes)


def test_an_image_without_an_mrz_asks_the_person_to_type_it(
    mrz_reader: TesseractMrzReader,
) -> None:
    outcome = mrz_reader.read(render_without_mrz(seed=4))

    assert outcome.status is OcrStatus.NO_MRZ
    assert outcome.lines == ()
    assert "Type it in" in outcome.message


def test_garbage_bytes_raise_a_clean_error_not_an_engine_failure(
    mrz_reader: TesseractMrzReader,
) -> None:
    with pytest.raises(ImageRejectedError) as caught:
        mrz_reader.read(b"\x00\x01garbage" * 100)

    assert caught.value.code == "image_unreadable"


def test_without_the_mrz_model_the_english_model_never_accepts_a_wrong_reading() -> None:
    reader = TesseractMrzReader(TesseractConfig(tessdata_dir=None))
    samples = [document_sample(seed, kind="TD3", degraded=seed % 2 == 1) for seed in range(4)]

    outcomes = [reader.read(sample.image) for sample in samples]

    assert {outcome.model for outcome in outcomes} == {"eng"}
    for outcome, sample in zip(outcomes, samples, strict=True):
        assert outcome.status is not OcrStatus.READ or outcome.lines == sample.lines
        # Whatever was read is offered to prefill manual entry.
        assert outcome.status is OcrStatus.NO_MRZ or len(outcome.lines) == 2


def test_the_reader_satisfies_the_seam_protocol() -> None:
    reader: MrzReader = TesseractMrzReader()

    assert callable(reader.read)


def test_tesseract_runs_without_a_shell_restricted_to_the_mrz_alphabet_without_dictionaries(
    tmp_path: Path,
) -> None:
    (tmp_path / "mrz.traineddata").write_bytes(b"model")
    config = TesseractConfig(tessdata_dir=tmp_path)

    command = tesseract_command(config, TesseractMrzReader(config).model)

    assert Path(command[0]).is_absolute()
    assert command[1:3] == ["stdin", "stdout"]
    assert ["--tessdata-dir", str(tmp_path), "-l", "mrz", "--psm", "6"] == command[3:9]
    assert "tessedit_char_whitelist=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<" in command
    assert "load_system_dawg=0" in command
    assert "load_freq_dawg=0" in command


def _script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "fake-tesseract"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_an_engine_that_hangs_is_stopped_at_the_timeout_with_its_children(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "still-running"
    # The child would write the marker after 2 s if it outlived the timeout.
    script = _script(tmp_path, f"(sleep 2; touch {marker}) & wait")
    config = TesseractConfig(binary=script, timeout_seconds=0.5)
    image = document_sample(1, kind="TD1", degraded=False).image
    started = time.perf_counter()

    with pytest.raises(OcrEngineError, match=r"longer than 0\.5 s"):
        TesseractMrzReader(config).read(image)

    assert time.perf_counter() - started < 5
    time.sleep(2.5)
    assert not marker.exists()


def test_an_engine_that_fails_reports_its_error(tmp_path: Path) -> None:
    config = TesseractConfig(binary=_script(tmp_path, "echo 'model broken' >&2; exit 3"))
    image = document_sample(1, kind="TD1", degraded=False).image

    with pytest.raises(OcrEngineError, match="status 3: model broken"):
        TesseractMrzReader(config).read(image)


def test_a_missing_engine_is_an_engine_error() -> None:
    config = TesseractConfig(binary="no-such-tesseract-binary")
    image = document_sample(1, kind="TD1", degraded=False).image

    with pytest.raises(OcrEngineError, match="not found"):
        TesseractMrzReader(config).read(image)


def test_model_info_names_the_mrz_model_when_it_is_configured(tmp_path: Path) -> None:
    (tmp_path / "mrz.traineddata").write_bytes(b"model")

    info = model_info(TesseractConfig(tessdata_dir=tmp_path))

    assert info["model"] == "mrz"
    assert info["tessdata_dir"] == str(tmp_path)
    assert info["available"] is True


def test_model_info_says_why_it_fell_back_to_english(tmp_path: Path) -> None:
    info = model_info(TesseractConfig(tessdata_dir=tmp_path))

    assert info["model"] == "eng"
    assert f"no mrz.traineddata in {tmp_path}" in str(info["detail"])


def test_model_info_reports_a_missing_binary_as_unavailable() -> None:
    info = model_info(TesseractConfig(binary="no-such-tesseract-binary"))

    assert info["available"] is False
    assert "not found" in str(info["detail"])


def test_a_config_with_a_single_pass_is_refused() -> None:
    with pytest.raises(ValueError, match="two glyph heights"):
        TesseractConfig(glyph_heights=(24,))
