"""Real scans from ../shared/real go read_pdf → page_needs_ocr → ocr_pdf_pages and come out readable.

What each test asserts was verified by reading the OCR output of the page against the scan: a few words
of the title, the number, the date. Only the first page of each file is OCR'd (12_ has 15 pages): the
whole file's pages are checked for "needs OCR" from the text layer, which is cheap.
"""

from __future__ import annotations

import pytest

from models.settings import OcrSettings, PdfSettings
from parsers.readers.ocr import ocr_pdf_pages
from parsers.readers.pdf_text import read_pdf
from parsers.readers.quality import page_needs_ocr
from tests.shared_paths import REAL, needs_shared

pytestmark = needs_shared

CASES = [
    ("01_TB493-UBND-LamDong_ketluan_scan.pdf", 3,
     ["THÔNG BÁO", "/TB-UBND", "năm 2025", "Nguyễn Ngọc Phúc", "PAR INDEX, PAPI, SIPAS, PCI"]),
    ("12_TTr91-CAT-PC04_KH-KMT-2026_scan.pdf", 15,
     ["TỜ TRÌNH", "CAT-PC04", "tháng 02 năm 2026", "Kính gửi: Ủy ban nhân dân tỉnh Lâm Đồng", "không ma túy"]),
    ("14_KH996-TCTLNTW-C04_scan.pdf", 4,
     ["/KH-TCTLNTW-C04", "Hà Nội", "Phối hợp kiểm soát các hoạt động hợp pháp", "Nghị định số 105/2021/NĐ-CP"]),
    ("21_CV464-TTg-CDS_scan.pdf", 3,
     ["THỦ TƯỚNG CHÍNH PHỦ", "/TTg-CĐS", "tháng 4 năm 2026", "V/v triển khai các Nghị quyết cắt giảm"]),
    ("23_CT07-UBND-QuangNgai-2018_scan.pdf", 4,
     ["CHỈ THỊ", "/CT-UBND", "tháng 3 năm 2018", "TỈNH QUẢNG NGÃI", "thi hành án hành chính"]),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("name", "n_pages", "phrases"), CASES, ids=[c[0][:2] for c in CASES])
def test_real_scan_is_ocred_readably(name: str, n_pages: int, phrases: list[str]) -> None:
    data = (REAL / name).read_bytes()
    parsed = read_pdf(data, name, PdfSettings())
    assert len(parsed.pages) == n_pages
    assert all(page_needs_ocr(p, PdfSettings()) for p in parsed.pages)
    [page] = ocr_pdf_pages(data, [1], OcrSettings(workers=1))
    assert page.method == "ocr" and not page.ocr_failed and page.page == 1
    assert page.confidence is not None and page.confidence > 0.85
    assert page.tables == []  # letters and plans' first pages: no ruled table (stamps are not tables)
    assert 560 < page.width < 620 and 800 < page.height < 870  # A4 portrait in points
    text = page.text
    for phrase in phrases:
        assert phrase in text, phrase
