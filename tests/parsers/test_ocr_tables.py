"""Ruling lines → cell grid on real rendered pages (reportlab → pdftoppm), then OCR'd into a TableGrid.

The table has what annexes have: a header, a section row merged across five columns, and a lead-agency
cell running over two rows. Structure tests need no tesseract; the OCR test reads the page for real.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from models.settings import OcrSettings
from parsers import image_prep, image_tables
from parsers.ocr import ocr_pdf_pages, render_pdf_page
from parsers.text import clean_cell

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
