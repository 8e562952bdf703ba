"""Ruling lines → cell grid on real rendered pages (reportlab → pdftoppm), then OCR'd into a TableGrid.

The table has what annexes have: a header, a section row merged across five columns, and a lead-agency
cell running over two rows. Structure tests need no tesseract; the OCR test reads the page for real.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from external.poppler import render_pdf_page
from models.settings import OcrSettings
from parsers.normalisers.text import clean_cell
from parsers.readers import image_prep, image_tables
from parsers.readers.ocr import ocr_pdf_pages

FONT_DIR = "/usr/share/fonts/truetype/liberation2"  # liberation (1.x) lacks the Vietnamese glyphs
ROWS = [
    ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời gian hoàn thành"],
    ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", None, None, None, None],
    ["1", "Xây dựng kế hoạch chuyển đổi số năm 2026 của tỉnh", "Sở Nội vụ", "Các sở, ngành", "Kế hoạch",
     "Quý II/2026"],
    ["2", "Tổ chức hội nghị sơ kết công tác cải cách hành chính", None, "UBND các xã, phường", "Báo cáo",
     "Tháng 12/2026"],
    ["3", "Rà soát thủ tục hành chính, đề xuất cắt giảm", "Sở Tư pháp", "Các sở, ban, ngành", "Văn bản",
     "Thường xuyên"],
]  # fmt: skip
EXPECTED_NONE = {(1, 2), (1, 3), (1, 4), (1, 5), (3, 2)}


def table_pdf() -> bytes:
    pdfmetrics.registerFont(TTFont("LibSerif", f"{FONT_DIR}/LiberationSerif-Regular.ttf"))
    style = ParagraphStyle("c", fontName="LibSerif", fontSize=12, leading=15)
    data = [[Paragraph(c, style) if c else "" for c in row] for row in ROWS]
    table = Table(data, colWidths=[14 * mm, 90 * mm, 40 * mm, 45 * mm, 35 * mm, 35 * mm])
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.6, "black"), ("SPAN", (1, 1), (5, 1)), ("SPAN", (2, 2), (2, 3)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )  # fmt: skip
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=landscape(A4), invariant=1).build([table])
    return buf.getvalue()


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return table_pdf()


@pytest.mark.parametrize("dpi", [200, 300])
@pytest.mark.parametrize("skew", [0.0, 1.2, -0.8])
def test_grid_and_merged_cells(pdf: bytes, dpi: int, skew: float) -> None:
    gray = image_prep.rotate_small(render_pdf_page(pdf, 1, dpi, 60), skew)
    prepared, turn, found_skew = image_prep.prepare_page(gray)
    assert turn == 0
    assert abs(found_skew + skew) <= 0.1
    layouts, lines = image_tables.find_tables(image_prep.binarise(prepared, denoise=False), dpi)
    assert len(layouts) == 1
    grid = image_tables.to_table_grid(layouts[0], {}, page=1, scale=72 / dpi)
    assert len(grid.rows) == len(ROWS) and len(grid.rows[0]) == len(ROWS[0])
    nones = {(r, c) for r, row in enumerate(grid.rows) for c, v in enumerate(row) if v is None}
    assert nones == EXPECTED_NONE
    # the table's box in PDF points: A4 landscape, centred by SimpleDocTemplate
    x0, top, x1, bottom = grid.bbox
    assert 40 < x0 < 120 and 720 < x1 < 800 and top < bottom < 595
    assert lines.any()


@pytest.mark.parametrize("quarter", [90, 180, 270])
def test_orientation_is_undone(pdf: bytes, quarter: int) -> None:
    gray = render_pdf_page(pdf, 1, 200, 60)
    turned = image_prep.rotate_quadrant(image_prep.rotate_small(gray, 0.7), quarter)
    prepared, turn, _ = image_prep.prepare_page(turned)
    assert (turn + quarter) % 360 == 0
    assert prepared.shape == gray.shape


@pytest.mark.slow
def test_ocr_reads_every_cell(pdf: bytes) -> None:
    [page] = ocr_pdf_pages(pdf, [1], OcrSettings(workers=1))
    assert page.method == "ocr" and not page.ocr_failed
    [grid] = page.tables
    assert grid.method == "ocr" and grid.cell_confidence is not None
    for r, row in enumerate(ROWS):
        for c, want in enumerate(row):
            got = grid.rows[r][c]
            assert (got is None) == (want is None), (r, c, got)
            if want is not None:
                assert got == clean_cell(want), (r, c)
                assert grid.cell_confidence[r][c] is not None
    confs = [c for row in grid.cell_confidence for c in row if c is not None]
    assert sum(confs) / len(confs) > 0.8
    assert 0.8 < (page.confidence or 0) <= 1
    assert np.allclose([page.width, page.height], landscape(A4), atol=2)


NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIV"]


def _glyphs(text: str, font: str, size: int = 42) -> np.ndarray:
    """One cell's worth of grey paper with ``text`` printed on it, as a 300-dpi scan would hold it."""
    img = Image.new("L", (220, 80), 235)
    ImageDraw.Draw(img).text((30, 14), text, font=ImageFont.truetype(f"{FONT_DIR}/{font}.ttf", size), fill=10)
    return np.asarray(img)


@pytest.mark.parametrize("font", ["LiberationSerif-Bold", "LiberationSerif-Regular", "LiberationSans-Bold"])
def test_roman_numerals_are_read_from_their_strokes(font: str) -> None:
    got = {n: image_tables.read_roman_numeral(_glyphs(n, font), 300) for n in NUMERALS}
    assert got == {n: n for n in NUMERALS}


@pytest.mark.parametrize("text", ["5", "8", "a", "STT", "Hà", "I\\nII"])
def test_what_is_no_numeral_gives_none(text: str) -> None:
    assert image_tables.read_roman_numeral(_glyphs(text, "LiberationSerif-Bold"), 300) is None


@pytest.mark.slow
def test_scanned_section_numbers_tesseract_misreads() -> None:
    """Bold section numerals of the 200-dpi annex scans that tesseract reads as "II" (III), "VII" (VIII),
    "\\41i" (VII), "II" (X), "VỊ" (VI): read from their strokes they come out right."""
    scans = Path(__file__).resolve().parents[2] / "samples" / "scans"
    wanted = {("kh15_p06-08_200dpi.pdf", 2): ["II", "III"], ("kh15_p14-18_200dpi.pdf", 1): ["VII"],
              ("kh15_p14-18_200dpi.pdf", 2): ["VIII"], ("kh15_p14-18_200dpi.pdf", 5): ["X"],
              ("kh15_p09-13_200dpi.pdf", 3): ["VI"]}  # fmt: skip
    for (name, page), numerals in wanted.items():
        [parsed] = ocr_pdf_pages((scans / name).read_bytes(), [page], OcrSettings(workers=1))
        [grid] = parsed.tables
        sections = [row[0] for row in grid.rows if row[0] and row[2] is None and len(row) > 3]
        assert sections == numerals, (name, page)
