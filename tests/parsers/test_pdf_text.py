"""read_pdf on real generated PDFs: good input gives grids/blocks, each bad-input kind raises InputFileError."""

import hashlib
import importlib.util
import io
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from models.errors import InputFileError
from models.settings import PdfSettings
from parsers.normalisers.text import clean_cell
from parsers.readers.pdf_text import _page_objects, read_pdf
from tests.shared_paths import REAL, needs_shared

_spec = importlib.util.spec_from_file_location(
    "make_table_pdfs", Path(__file__).resolve().parents[1] / "fixtures" / "make_table_pdfs.py"
)
assert _spec and _spec.loader
mk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mk)



@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    rows = [mk.H6] + [
        [str(i), mk.task_text(i), "Sở Tư pháp", "Sở Nội vụ", "Báo cáo", "Quý II/2026"] for i in (1, 2)
    ]
    rows.insert(1, ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "", "", "", ""])
    return mk.build_pdf(
        [
            mk.Para("Phụ lục I", bold=True, centered=True),
            mk.Para("Các nhiệm vụ được giao trong năm 2026 theo kế hoạch của tỉnh"),
            mk.Grid(rows, span={1}),
            mk.Para("Sau bảng: dòng văn bản thường."),
        ]
    )


def test_reads_table_and_blocks(small_pdf: bytes) -> None:
    parsed = read_pdf(small_pdf, "small.pdf", PdfSettings())
    assert parsed.source_sha256 == hashlib.sha256(small_pdf).hexdigest()
    assert parsed.file_name == "small.pdf" and parsed.kind == "pdf"
    (page,) = parsed.pages
    assert page.method == "text" and page.warnings == []
    assert [b.text for b in page.blocks] == [
        "Phụ lục I",
        "Các nhiệm vụ được giao trong năm 2026 theo kế hoạch của tỉnh",
        "Sau bảng: dòng văn bản thường.",
    ]
    assert [(b.bold, b.centered) for b in page.blocks] == [(True, True), (False, False), (False, False)]
    (grid,) = page.tables
    assert grid.rows[0] == mk.H6
    assert grid.rows[1] == [
        "I",
        "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        None,
        None,
        None,
        None,
    ]  # merged cells -> None
    assert grid.rows[2][0] == "1" and grid.rows[2][1] == mk.task_text(1)
    assert len(grid.row_tops) == len(grid.rows) and grid.row_tops == sorted(grid.row_tops)
    # blocks are outside the table and in reading order
    assert page.blocks[1].bbox[3] <= grid.bbox[1] < grid.bbox[3] <= page.blocks[2].bbox[1]
    assert any("Bold" in f for f in page.fonts)


@pytest.mark.parametrize(
    ("path", "pages"),
    [pytest.param(REAL / "18_BC-chiso-tinh-06-11_digital.pdf", "1-2", marks=needs_shared)],  # merged header cells, 11 and 31 columns
)
def test_grids_equal_pdfplumber_extract_tables(path: Path, pages: str, tmp_path: Path) -> None:
    """Our bisection cell assignment must give exactly pdfplumber's own Table.extract() text."""
    part = tmp_path / "part.pdf"
    subprocess.run(["qpdf", str(path), "--pages", str(path), pages, "--", str(part)], check=True)
    data = part.read_bytes()
    parsed = read_pdf(data, path.name, PdfSettings())
    settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for plumber_page, page in zip(pdf.pages, parsed.pages, strict=True):
            if page.warnings:
                continue
            ref = [
                [[None if c is None else clean_cell(c) for c in row] for row in table]
                for table in plumber_page.extract_tables(settings)
            ]
            assert [t.rows for t in page.tables] == ref, f"page {page.page}"
    assert sum(len(p.tables) for p in parsed.pages) >= 3
    assert any(cell is None for p in parsed.pages for t in p.tables for row in t.rows for cell in row)


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _garbled(data: bytes) -> bytes:
    # keep header and %%EOF but destroy the body: no objects, no xref
    return data[:9] + b"\x00garbage" * 200 + b"\n%%EOF\n"


def _encrypted(data: bytes, tmp_path: Path) -> bytes:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.fail("qpdf is not installed: apt-get install qpdf (needed to build the encrypted test PDF)")
    src, dst = tmp_path / "in.pdf", tmp_path / "out.pdf"
    src.write_bytes(data)
    subprocess.run([qpdf, "--encrypt", "userpw", "ownerpw", "256", "--", str(src), str(dst)], check=True)
    return dst.read_bytes()


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("empty", "empty file"),
        pytest.param("docx_named_pdf", "not a PDF", marks=needs_shared),
        ("text_named_pdf", "not a PDF"),
        ("truncated", "truncated PDF"),
        ("garbled", "corrupt PDF"),
        ("encrypted", "encrypted PDF"),
        ("too_many_pages", "more than max_pages=1"),
        ("too_large", "more than max_file_mb"),
    ],
)
def test_bad_input_raises(kind: str, reason: str, small_pdf: bytes, tmp_path: Path) -> None:
    settings = PdfSettings()
    two_pages = mk.build_pdf(
        [mk.Para("Trang một có đủ chữ để đọc"), mk.Break(), mk.Para("Trang hai cũng vậy")]
    )
    data = {
        "empty": lambda: b"",
        "docx_named_pdf": lambda: (REAL / "06_KH-tuyentruyen-CCHC-2026_tasktable.docx").read_bytes(),
        "text_named_pdf": lambda: "Kế hoạch số 15/KH-BCĐ".encode(),
        "truncated": lambda: _truncated(small_pdf),
        "garbled": lambda: _garbled(small_pdf),
        "encrypted": lambda: _encrypted(small_pdf, tmp_path),
        "too_many_pages": lambda: two_pages,
        "too_large": lambda: small_pdf,
    }[kind]()
    if kind == "too_many_pages":
        settings = PdfSettings(max_pages=1)
    if kind == "too_large":
        settings = PdfSettings(max_file_mb=len(small_pdf) / 1_048_576 / 2)
    with pytest.raises(InputFileError, match=reason) as info:
        read_pdf(data, "bad.pdf", settings)
    assert str(info.value).startswith("bad.pdf: ")


def test_encrypted_with_empty_user_password_opens(small_pdf: bytes, tmp_path: Path) -> None:
    """Owner-password-only PDFs (print/copy restrictions) are common and must still be read."""
    src, dst = tmp_path / "in.pdf", tmp_path / "out.pdf"
    src.write_bytes(small_pdf)
    subprocess.run(["qpdf", "--encrypt", "", "ownerpw", "256", "--", str(src), str(dst)], check=True)
    parsed = read_pdf(dst.read_bytes(), "restricted.pdf", PdfSettings())
    assert parsed.pages[0].tables[0].rows[0] == mk.H6


def test_page_without_text_layer_is_flagged(tmp_path: Path) -> None:
    """An image-only page (a scan) comes back empty with the no_text_layer warning, for OCR."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.rect(50, 50, 400, 600, fill=1)  # drawings, no text
    c.showPage()
    c.setFont("Helvetica", 12)
    c.drawString(72, 720, "Page two has a real text layer with enough letters.")
    c.showPage()
    c.save()
    parsed = read_pdf(buf.getvalue(), "scan.pdf", PdfSettings())
    assert [p.warnings for p in parsed.pages] == [["no_text_layer"], []]
    assert parsed.pages[0].blocks == [] and parsed.pages[0].tables == []
    assert parsed.pages[1].blocks[0].text.startswith("Page two")


@pytest.mark.parametrize(
    ("cell", "clean"),
    [
        ("Nghị định 69/NĐ-\nCP quy định", "Nghị định 69/NĐ-CP quy định"),  # code broken after its hyphen
        ("giai đoạn 2026-\n2030", "giai đoạn 2026-2030"),
        ("thực hi-\nện", "thực hiện"),  # a word cut by hyphenation
        ("nông - lâm -\nthủy sản", "nông - lâm - thủy sản"),
        ("Ho\u0300a  Bi\u0300nh\n", "Hòa Bình"),  # NFD -> NFC, whitespace collapsed
    ],
)
def test_cell_cleaning_of_line_breaks(cell: str, clean: str) -> None:
    """The grid cells pdfplumber gives are joined by clean_cell; line-end hyphens as the sample prints them."""
    assert clean_cell(cell) == clean


def test_two_column_header_line_gives_two_blocks() -> None:
    """The Nghị định 30 letterhead prints issuer and national motto on one baseline: two blocks, not one."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    mk._register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Serif-Bold", 13)
    c.drawString(104, 780, "UBND TỈNH ĐẮK LẮK")
    right_x = 104 + c.stringWidth("UBND TỈNH ĐẮK LẮK", "Serif-Bold", 13) + 25  # 1.9 em, as in the sample
    c.drawString(right_x, 780, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.setFont("Serif", 13)
    c.drawString(85, 700, "Thực hiện Kế hoạch số 04-KH/BCĐ ngày 10/01/2026 của Ban Chỉ đạo về phát triển")
    c.showPage()
    c.save()
    (page,) = read_pdf(buf.getvalue(), "header.pdf", PdfSettings()).pages
    assert [(b.text, b.bold) for b in page.blocks] == [
        ("UBND TỈNH ĐẮK LẮK", True),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
        ("Thực hiện Kế hoạch số 04-KH/BCĐ ngày 10/01/2026 của Ban Chỉ đạo về phát triển", False),
    ]


@pytest.mark.parametrize("seed", range(30))
def test_damaged_pdf_reads_or_raises_input_file_error(seed: int, small_pdf: bytes) -> None:
    """Flipped bytes, holes, and cut-and-resealed files: a result or InputFileError, never another error."""
    import random

    rng = random.Random(seed)
    data = bytearray(small_pdf)
    if seed % 3 == 0:
        for _ in range(20):
            data[rng.randrange(20, len(data) - 10)] = rng.randrange(256)
    elif seed % 3 == 1:
        start = rng.randrange(20, len(data) - 10)
        del data[start : start + rng.randrange(1, 500)]
    else:
        data = data[: rng.randrange(20, len(data))] + b"\n%%EOF\n"
    try:
        parsed = read_pdf(bytes(data), "damaged.pdf", PdfSettings())
    except InputFileError as e:
        assert str(e).startswith("damaged.pdf: ")
    else:
        assert all(p.method == "text" for p in parsed.pages)


_COLOUR_KEYS = {"ncs", "scs", "stroking_color", "non_stroking_color"}


@pytest.mark.parametrize(
    "name", ["kh15_plan.pdf", "cv_kgvx_letter.pdf", "legacy/tcvn3_plan.pdf", "legacy/vni_plan.pdf"]
)
def test_page_objects_read_once_are_pdfplumbers_own(name: str) -> None:
    """``_page_objects`` (chars built straight from pdfminer) gives every char pdfplumber gives, with the same
    values but the colour keys, and the table finder the same ruling lines: reading faster changes nothing."""
    path = Path(__file__).resolve().parents[2] / "samples" / name
    with pdfplumber.open(path) as ref_pdf, pdfplumber.open(path) as fast_pdf:
        for ref, fast in zip(ref_pdf.pages, fast_pdf.pages, strict=True):
            fast._objects = _page_objects(fast)
            assert set(fast.objects) == set(ref.objects)
            assert fast.chars == [{k: v for k, v in c.items() if k not in _COLOUR_KEYS} for c in ref.chars]
            assert fast.chars and fast.edges == ref.edges
            assert [t.cells for t in fast.find_tables()] == [t.cells for t in ref.find_tables()]
