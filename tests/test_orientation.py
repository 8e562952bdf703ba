"""Page orientation on every scanned page we have: an upright page is never turned, a sideways one is.

The expected turn of each page was decided by rendering every page with ``pdftoppm`` and looking at it
(samples/scans: 22 pages; ../shared/real/*_scan.pdf: 73 pages). Only the sample page 16 of the plan
(``kh15_p14-18_200dpi.pdf`` page 3) is printed sideways and needs a 90° counter-clockwise turn; every other
page is upright, including the landscape annex pages, a handwritten form (34, page 3), a landscape form
(34, page 5), a sparse table page (49, page 2), blank backs (14 p4, 46 p4) and a page holding only a stamp
(57 p4). Expected turns are my reading of the pages, not parser output.

Only the orientation decision runs (``parsers.readers.ocr.page_orientation``: geometry, and a tesseract reading
of one band of text on doubt), not the page's OCR, so the whole corpus takes well under a minute.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from external.poppler import render_pdf_page
from models.settings import OcrSettings
from parsers.readers import image_prep
from parsers.readers.ocr import page_orientation
from tests.shared_paths import REAL, needs_shared, shared_params

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "samples" / "scans"
SETTINGS = OcrSettings(workers=1)

# file -> (pages, {page: counter-clockwise turn that makes it upright}); pages not listed are upright
SAMPLE_TURNS: dict[str, tuple[int, dict[int, int]]] = {
    "cv_kgvx_letter_p1-3_300dpi.pdf": (3, {}),
    "cv_kgvx_letter_p4_300dpi.pdf": (1, {}),
    "kh15_p06-08_200dpi.pdf": (3, {}),
    "kh15_p09-13_200dpi.pdf": (5, {}),
    "kh15_p14-18_200dpi.pdf": (5, {3: 90}),  # the plan's page 16, scanned sideways
    "kh15_p19_300dpi.pdf": (1, {}),
    "kh15_p20-23_300dpi.pdf": (4, {}),
}
REAL_TURNS: dict[str, tuple[int, dict[int, int]]] = {
    "01_TB493-UBND-LamDong_ketluan_scan.pdf": (3, {}),
    "12_TTr91-CAT-PC04_KH-KMT-2026_scan.pdf": (15, {}),
    "14_KH996-TCTLNTW-C04_scan.pdf": (4, {}),  # page 4 blank
    "21_CV464-TTg-CDS_scan.pdf": (3, {}),
    "23_CT07-UBND-QuangNgai-2018_scan.pdf": (4, {}),
    "34_QD157-UB-CaoBang-1999_typewritten_scan.pdf": (5, {}),  # p3 handwritten form, p5 landscape form
    "40_KH353-BDH-BacGiang-2012_fields_scan.pdf": (3, {}),
    "43_CV1849-BGDDT-GDPT-2026_scan.pdf": (6, {}),
    "44_QD985-TTg-2024_scan.pdf": (2, {}),
    "45_CV695-UBND-BacGiang-2012_scan.pdf": (1, {}),
    "46_CV368-BPTT-TinhUy-BacGiang-2012_scan.pdf": (4, {}),  # page 4 blank
    "47_CV4532-UBND-PhuTho-2011_scan.pdf": (2, {}),
    "49_KH239-SYT-KienGiang-2018_tasktable_scan.pdf": (5, {}),
    "50_BC1983-SYT-KienGiang-2017_report_scan.pdf": (5, {}),
    "51_CV2062-SYT-KienGiang-2017_scan.pdf": (2, {}),
    "52_TB82-DHVH-VKU-2023_tasktable_scan.pdf": (4, {}),
    "57_CT11-UBND-QuangNgai-2024_scan.pdf": (4, {}),  # page 4: a stamp and nothing else
}


def _decisions(data: bytes, dpi: int) -> list[tuple[int, image_prep.Orientation]]:
    n = len(pdfium.PdfDocument(data))
    out = []
    for page in range(1, n + 1):
        _, orientation = page_orientation(render_pdf_page(data, page, dpi, 60), page, dpi, SETTINGS)
        out.append((page, orientation))
    return out


def _check_file(data: bytes, pages: int, turns: dict[int, int], dpi: int) -> None:
    decisions = _decisions(data, dpi)
    assert len(decisions) == pages
    wrong = [
        f"page {page}: turned {o.turn}°, expected {turns.get(page, 0)}° ({o.evidence})"
        for page, o in decisions
        if o.turn != turns.get(page, 0)
    ]
    assert wrong == []


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SAMPLE_TURNS))
def test_sample_scan_pages_are_read_upright(name: str) -> None:
    """At the pipeline's 300 dpi: every upright sample page stays, the sideways page 16 is turned."""
    pages, turns = SAMPLE_TURNS[name]
    _check_file((SCANS / name).read_bytes(), pages, turns, OcrSettings().dpi)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(n for n in SAMPLE_TURNS if "200dpi" in n))
def test_200dpi_sample_scans_at_their_own_resolution(name: str) -> None:
    """The landscape annex scans read at the 200 dpi they were scanned at (their JPEGs as they are)."""
    pages, turns = SAMPLE_TURNS[name]
    _check_file((SCANS / name).read_bytes(), pages, turns, 200)


def test_every_sample_scan_has_expected_turns() -> None:
    assert sorted(p.name for p in SCANS.glob("*.pdf")) == sorted(SAMPLE_TURNS)


@needs_shared
def test_every_real_scan_has_expected_turns() -> None:
    """A scan added to ../shared/real must be looked at and given its turns here."""
    assert sorted(p.name for p in REAL.glob("*scan*.pdf")) == sorted(REAL_TURNS)


@pytest.mark.slow
@needs_shared
@pytest.mark.parametrize("name", shared_params(lambda: sorted(REAL_TURNS)))
def test_real_scan_pages_are_read_upright(name: str) -> None:
    pages, turns = REAL_TURNS[name]
    _check_file((REAL / name).read_bytes(), pages, turns, OcrSettings().dpi)


@pytest.mark.slow
@needs_shared
@pytest.mark.parametrize(
    ("name", "page"),
    shared_params(
        lambda: [("34_QD157-UB-CaoBang-1999_typewritten_scan.pdf", 3),
                 ("49_KH239-SYT-KienGiang-2018_tasktable_scan.pdf", 2)],
        n_args=2,
    ),
)  # fmt: skip
def test_doubtful_upright_pages_at_200dpi_stay(name: str, page: int) -> None:
    """Two upright pages whose geometry is doubtful at 200 dpi: a handwritten form whose lines have more
    ink below than above (geometry alone turned it upside down before), and a sparse table whose column
    profile is nearly as sharp as its row profile. The reading check keeps both as they are."""
    gray = render_pdf_page((REAL / name).read_bytes(), page, 200, 60)
    _, orientation = page_orientation(gray, page, 200, SETTINGS)
    assert orientation.checked, orientation.evidence  # geometry was in doubt: a turn was proposed
    assert orientation.turn == 0, orientation.evidence


@pytest.mark.slow
@pytest.mark.parametrize("quarter", [90, 180, 270])
def test_turned_sample_page_is_turned_back_and_logged(quarter: int, caplog: pytest.LogCaptureFixture) -> None:
    """A real upright sample page turned by each quarter comes back upright; the decision is logged with
    the page number, the angle and the evidence (the reading check's scores)."""
    gray = render_pdf_page((SCANS / "kh15_p19_300dpi.pdf").read_bytes(), 1, 300, 60)
    turned = image_prep.rotate_quadrant(gray, quarter)
    with caplog.at_level(logging.DEBUG, logger="parsers.readers.ocr"):
        prepared, orientation = page_orientation(turned, 7, 300, SETTINGS)
    assert (orientation.turn + quarter) % 360 == 0
    assert prepared.shape == gray.shape
    assert orientation.checked  # every proposed turn is confirmed by reading
    [record] = [r for r in caplog.records if r.name == "parsers.readers.ocr"]
    assert record.levelno == logging.INFO
    message = record.getMessage()
    assert message.startswith(f"page 7: orientation {orientation.turn}°") and "read as is" in message


def test_upright_page_decision_is_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    gray = render_pdf_page((SCANS / "kh15_p19_300dpi.pdf").read_bytes(), 1, 300, 60)
    with caplog.at_level(logging.DEBUG, logger="parsers.readers.ocr"):
        _, orientation = page_orientation(gray, 1, 300, SETTINGS)
    assert orientation.turn == 0 and not orientation.checked
    [record] = [r for r in caplog.records if r.name == "parsers.readers.ocr"]
    assert record.levelno == logging.DEBUG
    assert "page 1: orientation 0°" in record.getMessage() and "below/above" in record.getMessage()
