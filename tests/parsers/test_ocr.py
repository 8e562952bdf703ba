"""OCR path for real: scanned sample → tasks, images of every kind, bad input, timeouts, clean-up rules.

No mocks: tesseract (``vie``) and poppler run on generated images and on the committed scans.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from external.poppler import embedded_scan, read_pgm, render_pdf_page
from models.errors import InputFileError, MissingDependencyError
from models.page import ParsedFile
from models.settings import OcrSettings, TableSettings
from parsers.extractors.tables import extract_table_tasks
from parsers.readers.ocr import ocr_pdf_pages, read_image
from parsers.readers.ocr_cleanup import clean_ocr_text, fix_roman_cell

ROOT = Path(__file__).resolve().parents[2]
FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
LINES = ["Giao Sở Nội vụ chủ trì, phối hợp với các sở, ngành", "hoàn thành trong Quý II/2026."]
ONE = OcrSettings(workers=1)


def text_image(lines: list[str], mode: str = "L", size: int = 44) -> Image.Image:
    """A 300-dpi-like strip of printed Vietnamese (no table)."""
    font = ImageFont.truetype(FONT, size)
    img = Image.new("L", (1500, 90 + 70 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((60, 45 + 70 * i), line, font=font, fill=0)
    return img.convert(mode)


def encode(img: Image.Image | list[Image.Image], fmt: str, **kw: object) -> bytes:
    frames = img if isinstance(img, list) else [img]
    buf = io.BytesIO()
    frames[0].save(buf, fmt, save_all=len(frames) > 1, append_images=frames[1:], dpi=(300, 300), **kw)
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a size but carries no pixels: what a bomb's header looks like."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


SCANS = ROOT / "samples" / "scans"
MANIFEST = json.loads((SCANS / "manifest.json").read_text("utf-8"))
MAX_SAMPLE_BYTES = 2_000_000  # project rule: a committed scan sample is ≤ 2.0 MB


@pytest.mark.parametrize("name", sorted(p.name for p in SCANS.glob("*.pdf")))
def test_committed_scan_is_small_and_listed(name: str) -> None:
    """Every committed scan stays ≤ 2.0 MB, is in the manifest, and holds as many pages as it lists."""
    data = (SCANS / name).read_bytes()
    assert len(data) <= MAX_SAMPLE_BYTES, f"{name}: {len(data) / 1e6:.2f} MB; see samples/make_scans.py"
    assert name in MANIFEST
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == len(MANIFEST[name]["pages"])


@pytest.mark.parametrize("expected", ["kh15_plan.tasks.json", "cv_kgvx_letter.tasks.json"])
def test_scans_cover_every_table_and_letter_task(expected: str) -> None:
    """Splitting a scan must not lose a task: each expected task lies wholly inside one scan's pages."""
    tasks = json.loads((ROOT / "samples" / "expected" / expected).read_text("utf-8"))["tasks"]
    wanted = [t for t in tasks if t["source"] == "table" or expected.startswith("cv_")]
    spans = [set(e["pages"]) for e in MANIFEST.values() if e["expected"] == f"expected/{expected}"]
    assert (SCANS.parent / "expected" / expected).exists() and wanted
    lost = [t["text"][:40] for t in wanted if not any(set(t["pages"]) <= pages for pages in spans)]
    assert lost == []


@pytest.mark.parametrize(
    ("name", "page", "dpi", "direct"),
    [("scans/kh15_p19_300dpi.pdf", 1, 300, True),  # one full-page JPEG at 300 dpi: decoded as it is
     ("scans/cv_kgvx_letter_p1-3_300dpi.pdf", 3, 300, True),
     ("scans/kh15_p19_300dpi.pdf", 1, 200, False),  # another resolution wanted: poppler resamples
     ("scans/kh15_p06-08_200dpi.pdf", 1, 300, False),
     ("kh15_plan.pdf", 19, 300, False)],  # a digital page (text, rules): rendered
)  # fmt: skip
def test_scanned_page_jpeg_is_read_directly(name: str, page: int, dpi: int, direct: bool) -> None:
    """The direct path gives the same page as poppler's rendering, only faster (mean grey difference)."""
    data = (ROOT / "samples" / name).read_bytes()
    assert (embedded_scan(data, page, dpi) is not None) == direct
    img = render_pdf_page(data, page, dpi, 60)
    poppler = read_pgm(
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), "-singlefile", "-"],
            input=data, capture_output=True, check=True,
        ).stdout
    )  # fmt: skip
    assert poppler is not None and img.shape == poppler.shape
    assert np.abs(img.astype(np.int16) - poppler.astype(np.int16)).mean() < (3 if direct else 0.01)


@pytest.mark.slow
def test_scanned_annex_page_gives_its_tasks() -> None:
    """kh15_p19_300dpi.pdf = page 19 of the plan (Phụ lục II), skewed, noisy JPEG; all 6 tasks back."""
    scan = ROOT / "samples" / "scans" / "kh15_p19_300dpi.pdf"
    expected = [
        t
        for t in json.loads((ROOT / "samples" / "expected" / "kh15_plan.tasks.json").read_text("utf-8"))[
            "tasks"
        ]
        if t["source"] == "table" and t["pages"] == [19]
    ]
    assert len(expected) == 6
    pages = ocr_pdf_pages(scan.read_bytes(), [1], ONE)
    assert pages[0].method == "ocr" and pages[0].tables and pages[0].tables[0].method == "ocr"
    tasks = extract_table_tasks(
        ParsedFile(source_sha256="x", file_name=scan.name, pages=pages), TableSettings()
    )
    assert len(tasks) == len(expected)
    errors = sum(Levenshtein.distance(e["text"], t.text) for e, t in zip(expected, tasks, strict=True))
    assert errors / sum(len(e["text"]) for e in expected) <= 0.02
    assert [t.lead_raw for t in tasks] == [e["lead_raw"] for e in expected]
    assert [t.deadline_raw for t in tasks] == [e["deadline"]["raw"] for e in expected]
    assert all(t.annex == "II" for t in tasks)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "mode", "kw"),
    [("PNG", "L", {}), ("JPEG", "L", {"quality": 70}), ("TIFF", "1", {"compression": "group4"}),
     ("TIFF", "RGB", {"compression": "tiff_lzw"})],
)  # fmt: skip
def test_read_image_formats(fmt: str, mode: str, kw: dict) -> None:
    data = encode(text_image(LINES, mode), fmt, **kw)
    parsed = read_image(data, f"scan.{fmt.lower()}", ONE)
    assert parsed.kind == "image" and len(parsed.pages) == 1
    page = parsed.pages[0]
    assert page.method == "ocr" and page.tables == [] and page.confidence and page.confidence > 0.7
    assert page.text.splitlines() == LINES
    assert abs(page.width - 1500 * 72 / 300) < 1  # PDF points from the recorded 300 dpi


@pytest.mark.slow
def test_multipage_tiff_and_blank_page() -> None:
    frames = [text_image(LINES[:1]), Image.new("L", (1500, 400), 255), text_image(LINES[1:])]
    parsed = read_image(encode(frames, "TIFF", compression="tiff_lzw"), "fax.tif", OcrSettings(workers=2))
    assert [p.page for p in parsed.pages] == [1, 2, 3]
    assert parsed.pages[0].text == LINES[0] and parsed.pages[2].text == LINES[1]
    assert parsed.pages[1].blocks == [] and "ocr_no_text" in parsed.pages[1].warnings


def test_page_timeout_flags_the_page() -> None:
    parsed = read_image(encode(text_image(LINES), "PNG"), "slow.png", OcrSettings(page_timeout_s=0.01))
    page = parsed.pages[0]
    assert page.ocr_failed and page.blocks == []
    assert any(w.startswith("ocr_timeout") for w in page.warnings)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 not an image", "not a readable image"),
        (png_header_only(20000, 20000), "decompression bomb"),  # 400 Mpx: PIL refuses from the header
        (png_header_only(11000, 11000), "121 Mpx"),  # over OcrSettings.max_image_pixels (120 Mpx)
    ],
)
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # PIL warns; we refuse
def test_bad_images_are_refused_clearly(data: bytes, message: str) -> None:
    with pytest.raises(InputFileError, match=message):
        read_image(data, "bad.png", OcrSettings())


def test_missing_language_model_says_what_to_install() -> None:
    with pytest.raises(MissingDependencyError, match=r"xyz\.traineddata.*apt-get install"):
        read_image(encode(text_image(LINES), "PNG"), "a.png", OcrSettings(lang="xyz"))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Quý 11/2026", "Quý II/2026"),
        ("Quý Il/2026", "Quý II/2026"),
        ("Quý lV năm 2026", "Quý IV năm 2026"),
        ("Quý H/2026", "Quý II/2026"),
        ("Quý Ï năm 2026", "Quý I năm 2026"),
        ("Trong quý HH năm 2026", "Trong quý II năm 2026"),
        ("Quý II⁄2026", "Quý II/2026"),
        ("Quý 1/2026", "Quý 1/2026"),  # an Arabic 1 is a real spelling: kept
        ("Phụ lục H", "Phụ lục II"),
        ("PHỤ LỤC IH", "PHỤ LỤC III"),
        ("Phụ lục 1l (Ban hành kèm theo)", "Phụ lục II (Ban hành kèm theo)"),
        ("Phụ lục 1", "Phụ lục 1"),  # Arabic annex numbers are real
        ("Phụ lục Hà Nội", "Phụ lục Hà Nội"),
        ("hãng năm", "hằng năm"),
        ("Hãng tháng", "Hằng tháng"),
        ("hãng sản xuất", "hãng sản xuất"),
        ("trước ngày 3O/6/2O26", "trước ngày 30/6/2026"),
        ("Tháng O1/2026", "Tháng 01/2026"),
        ("ngày Ø3 tháng 02", "ngày 03 tháng 02"),
        ("Ø Người ký", "Ø Người ký"),
        ("Thông tư 15/TT-BNV", "Thông tư 15/TT-BNV"),
        # upper-case headings: tone marks repaired by the pairs of administrative headings (misreads as
        # tesseract made them on the sample scans)
        ("CÔNG TÁC CHÍ ĐẠO, ĐIÊU HÀNH, TỐ CHỨC THỰC HIỆN", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH, TỔ CHỨC THỰC HIỆN"),
        ("ĐẤÃY MẠNH CHUYẾN ĐỐI SỐ TRONG HỆ THÔNG CHÍNH TRỊ, PHÁT TRIẾN CHÍNH QUYỀN SỐ",
         "ĐẨY MẠNH CHUYỂN ĐỔI SỐ TRONG HỆ THỐNG CHÍNH TRỊ, PHÁT TRIỂN CHÍNH QUYỀN SỐ"),
        ("TUYÊN TRUYÊỀN, NÂNG CAO NHẬN THỨC", "TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC"),
        ("HOÀN THIỆN THẺ CHẾ, CHÍNH SÁCH", "HOÀN THIỆN THẺ CHẾ, CHÍNH SÁCH"),  # a hat read otherwise stays
        ("CÔNG TÁC CHỈ\nĐẠO, ĐIÊỀU HÀNH CCHC", "CÔNG TÁC CHỈ\nĐẠO, ĐIỀU HÀNH CCHC"),
        ("PHU LUC I", "PHỤ LỤC I"),
        ("PHU LUC H", "PHỤ LỤC II"),
        ("PHỤ LỤC H", "PHỤ LỤC II"),
        # real words and pairs are left alone: a word alone, a pair nobody lists, a horn, "oo"/"ưu"
        ("ĐẤY LÀ CHÍ HƯỚNG", "ĐẤY LÀ CHÍ HƯỚNG"),
        ("THỨC ĐẨY", "THỨC ĐẨY"),
        ("TỐ CÁO; THÔNG BÁO; KẾ HOẠCH", "TỐ CÁO; THÔNG BÁO; KẾ HOẠCH"),
        ("XOONG NỒI, ƯU TIÊN", "XOONG NỒI, ƯU TIÊN"),
        ("Công tác chí đạo", "Công tác chí đạo"),  # only upper-case runs (headings) are touched
        ("Trướcn gày 30/01/2023", "Trước ngày 30/01/2023"),
        ("Quý II, H1/2012", "Quý II, III/2012"),
        ("Quý TV/2012", "Quý IV/2012"),
        ("Quý II, Hà Nội/2012", "Quý II, Hà Nội/2012"),
    ],
)
def test_ocr_cleanup(raw: str, clean: str) -> None:
    assert clean_ocr_text(raw) == clean


@pytest.mark.parametrize(
    ("cell", "fixed"),
    [("H", "II"), ("IH", "III"), ("HI", "III"), ("1V.", "IV."), ("Vl", "VI"), ("|", "I"), ("11", "11"), ("l", "l"),
     ("Ha", "Ha"), ("VIIII", "VIIII")],
)  # fmt: skip
def test_roman_cells(cell: str, fixed: str) -> None:
    assert fix_roman_cell(cell) == fixed
