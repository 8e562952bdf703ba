"""Memory bombs refused before they are decoded, blank pages not OCR'd, a 200-inch page named (issue 14).

Each test builds the real hostile bytes (tests/faults/hostile.py) and sends them through the real
readers or the whole parse; the big versions (a 1 GB zip bomb, a 3 GB PDF stream, a 500-page TIFF,
2,000 blank pages) run in the mixed batches of ``test_suite.py``.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from ingest.detect import sha256_hex, sniff
from ingest.executors import InlineExecutor
from ingest.pipeline import parse_bytes
from ingest.spine import Job
from models.errors import InputFileError, NoTasksFound
from models.settings import DocxSettings, IngestSettings, OcrSettings
from parsers.readers import limits
from parsers.readers.docx_text import read_docx
from tests.faults.hostile import (
    billion_laughs_docx,
    blank_pages_pdf,
    external_entity_docx,
    flate_bomb_pdf,
    huge_page_pdf,
    many_page_tiff,
    many_paragraphs_docx,
    zip_bomb_docx,
)

pytestmark = [pytest.mark.faults, pytest.mark.issue(14)]
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


# -- images -------------------------------------------------------------------------------------------
def test_a_tiff_with_too_many_pages_is_refused_from_its_headers() -> None:
    data = many_page_tiff(pages=600, side=64)
    started = time.perf_counter()
    with pytest.raises(InputFileError, match="600 pages, more than the 500"):
        limits.check_image(data, "fax.tiff", OcrSettings())
    assert time.perf_counter() - started < 5


def test_a_tiff_whose_pages_would_decode_to_too_many_pixels_is_refused() -> None:
    data = many_page_tiff(pages=40, side=1700)  # 40 A4 pages at 200 dpi: 163 megapixels
    settings = OcrSettings(max_total_pixels=100_000_000)
    with pytest.raises(InputFileError, match=r"its 40 page\(s\) would decode to 163 megapixels, over the 100"):
        limits.check_image(data, "scan.tiff", settings)
    limits.check_image(data, "scan.tiff", OcrSettings())  # within the default: read as usual


def test_a_500_page_tiff_never_reaches_the_decoder() -> None:
    """Issue 14: 1,500 pages were all decoded before OCR (OOM at 10 GB). Refused in the whole parse."""
    data = many_page_tiff(pages=500, side=1700)
    started = time.perf_counter()
    with pytest.raises(InputFileError, match="would decode to 2,043 megapixels"):
        parse_bytes(data, "500 trang.tiff", IngestSettings())
    assert time.perf_counter() - started < 10


# -- PDF pages ----------------------------------------------------------------------------------------
def test_a_200_inch_page_is_a_clear_error_not_no_task() -> None:
    with pytest.raises(InputFileError, match=r"page 1 is 200 × 200 inches \(5,080 × 5,080 mm\)") as caught:
        parse_bytes(huge_page_pdf(200), "áp phích.pdf", IngestSettings())
    assert not isinstance(caught.value, NoTasksFound)
    assert "3,600 megapixels" in str(caught.value)


def _page_image(text: str | None = None, ink: int = 40, scale: float = 1.0, thick: int = 2) -> bytes:
    """A 300-dpi A4 scan of grey paper with sensor noise, with one line of text when ``text``."""
    rng = np.random.default_rng(14)
    img = np.clip(rng.normal(235, 6, (3508, 2480)), 0, 255).astype(np.uint8)
    if text:
        cv2.putText(img, text, (300, 1200), cv2.FONT_HERSHEY_SIMPLEX, scale, ink, thick, cv2.LINE_AA)
    ok, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 75])
    assert ok
    return jpg.tobytes()


def test_blank_pages_are_told_from_pages_with_little_on_them() -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pages: list[tuple[str, object]] = [
        ("nothing drawn", None),
        ("one line of 6-pt text", "text"),
        ("a scan of blank grey paper", _page_image()),
        ("a scan with one line of text", _page_image("Giao So Tai chinh chu tri")),
        ("a scan with one faint small line", _page_image("Giao So Tai chinh", ink=170, scale=0.7, thick=1)),
        ("a scan with a full stop", _page_image(".")),
    ]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for _, content in pages:
        if content == "text":
            c.setFont("Helvetica", 6)
            c.drawString(72, 400, "Giao So Tai chinh chu tri")
        elif isinstance(content, bytes):
            c.drawImage(ImageReader(io.BytesIO(content)), 0, 0, *A4)
        c.showPage()
    c.save()
    blank = limits.blank_pages(buf.getvalue(), list(range(1, len(pages) + 1)))
    assert [pages[n - 1][0] for n in sorted(blank)] == ["nothing drawn", "a scan of blank grey paper"]


@pytest.mark.parametrize("scan", sorted((SAMPLES / "scans").glob("*.pdf")), ids=lambda p: p.name)
def test_no_page_of_the_sample_scans_is_taken_for_blank(scan: Path) -> None:
    import pypdfium2 as pdfium

    data = scan.read_bytes()
    n = len(pdfium.PdfDocument(data))
    assert limits.blank_pages(data, list(range(1, n + 1))) == set()


def test_two_hundred_blank_pages_are_not_ocrd() -> None:
    started = time.perf_counter()
    with pytest.raises(NoTasksFound, match="in 200 page"):
        parse_bytes(blank_pages_pdf(200), "trắng.pdf", IngestSettings())
    assert time.perf_counter() - started < 30  # OCR would take over 200 × 1 s


# -- Word ---------------------------------------------------------------------------------------------
def test_a_zip_bomb_docx_is_refused_from_its_zip_directory() -> None:
    data = zip_bomb_docx(unpacked_mb=24)
    started = time.perf_counter()
    with pytest.raises(InputFileError, match=r"word/document\.xml unpacks to 24 MB, over the 16 MB limit"):
        read_docx(data, "bom.docx", DocxSettings(max_part_mb=16))
    with pytest.raises(InputFileError, match="its parts unpack to 24 MB, over the 20 MB limit"):
        read_docx(data, "bom.docx", DocxSettings(max_total_mb=20))
    assert time.perf_counter() - started < 2


def test_millions_of_paragraphs_are_refused_before_python_docx_reads_them() -> None:
    started = time.perf_counter()
    with pytest.raises(InputFileError, match="more than 100,000 paragraphs"):
        read_docx(many_paragraphs_docx(100_001), "đoạn.docx")
    read_docx(many_paragraphs_docx(1_000), "đoạn.docx")  # under the cap: read as usual
    with pytest.raises(InputFileError, match="holds 3,002 XML elements, over the 3,000 limit"):
        read_docx(many_paragraphs_docx(3_000), "đoạn.docx", DocxSettings(max_elements=3_000))
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("build", [billion_laughs_docx, external_entity_docx], ids=["billion-laughs", "xxe"])
def test_word_parts_with_entities_are_refused(build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputFileError, match="declares a DTD with entities"):
        read_docx(build(), "thực thể.docx")


def test_the_sample_word_files_are_within_every_cap() -> None:
    for name in ("kh15_plan.docx", "cv_kgvx_letter.docx"):
        parsed = read_docx((SAMPLES / name).read_bytes(), name)
        assert parsed.pages and any(p.tables or p.blocks for p in parsed.pages)


# -- a bomb no header can tell: the worker's memory cap ------------------------------------------------
def test_a_pdf_stream_that_inflates_to_3_gb_stops_at_the_workers_memory_cap(letter_bytes: bytes) -> None:
    """A 3 MB PDF whose content stream inflates to 3 GB (pdfminer inflates streams whole): the worker
    runs out of its 1 GB, the file is reported, and the next file is parsed by a fresh worker."""
    settings = IngestSettings(worker_memory_mb=1024, file_timeout_s=120)
    executor = InlineExecutor(settings)

    def job(key: str, data: bytes, name: str) -> Job:
        return Job(Path(key), sha256_hex(data), len(data), False, data, sniff(data, name), name, settings)

    try:
        jobs = [job("bomb", flate_bomb_pdf(3000), "bom flate.pdf"), job("good", letter_bytes, "cv.pdf")]
        outcomes = dict((job.path.name, outcome) for job, outcome in executor.parse_many(jobs))
    finally:
        executor.close()
    assert "needs more than the 1024 MB of memory a parse may use" in str(outcomes["bomb"])
    assert len(outcomes["good"].tasks) > 0  # type: ignore[union-attr]
