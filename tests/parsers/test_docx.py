"""read_docx on Word files built here with python-docx and on the real drafts in ../shared/real/."""

import io
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

from models.errors import InputFileError
from parsers.readers.docx_text import read_docx
from tests.shared_paths import REAL, needs_shared


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "xin chào")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"%PDF-1.7 not a word file", "not a Word"),
        (_zip_without_document(), "not a Word"),
    ],
)
def test_bad_input_raises_input_file_error(data: bytes, needle: str) -> None:
    with pytest.raises(InputFileError, match=needle):
        read_docx(data, "x.docx")


def test_paragraphs_tables_and_page_breaks_in_body_order() -> None:
    d = docx.Document()
    title = d.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("KẾ HOẠCH").bold = True
    d.add_paragraph("1. Giao Sở Nội vụ chủ trì:")
    table = d.add_table(rows=3, cols=4)
    for i, head in enumerate(["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"]):
        table.cell(0, i).text = head
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "Rà soát\nthủ tục"
    table.cell(1, 2).text = "Sở Tư pháp"
    table.cell(1, 2).merge(table.cell(2, 2))  # vertical merge
    table.cell(1, 3).text = "Quý II/2026"
    table.cell(2, 0).merge(table.cell(2, 1))  # horizontal merge
    table.cell(2, 0).text = "II. CẢI CÁCH"
    tail = d.add_paragraph("- Hoàn thành trước ngày 15/6/2026.")
    tail.runs[0].add_break(WD_BREAK.PAGE)
    d.add_paragraph("Nơi nhận:")
    parsed = read_docx(_save(d), "plan.docx")

    assert parsed.kind == "docx"
    assert [p.page for p in parsed.pages] == [1, 2]
    first = parsed.pages[0]
    assert [b.text for b in first.blocks] == [
        "KẾ HOẠCH",
        "1. Giao Sở Nội vụ chủ trì:",
        "- Hoàn thành trước ngày 15/6/2026.",
    ]
    assert first.blocks[0].bold and first.blocks[0].centered
    assert not first.blocks[1].bold
    assert [b.text for b in parsed.pages[1].blocks] == ["Nơi nhận:"]
    (grid,) = first.tables
    assert grid.method == "docx"
    assert grid.rows == [
        ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"],
        ["1", "Rà soát thủ tục", "Sở Tư pháp", "Quý II/2026"],
        ["II. CẢI CÁCH", None, None, ""],
    ]
    # body order: the table sits between the heading paragraph and the dash item
    assert first.blocks[1].bbox[1] < grid.bbox[1] < first.blocks[2].bbox[1]


def test_layout_table_text_also_comes_out_as_blocks() -> None:
    d = docx.Document()
    header = d.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: /TB-UBND"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nLâm Đồng, ngày tháng 01 năm 2026"
    d.add_paragraph("THÔNG BÁO")
    texts = [b.text for b in read_docx(_save(d), "tb.docx").pages[0].blocks]
    assert texts == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH LÂM ĐỒNG",
        "Số: /TB-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Lâm Đồng, ngày tháng 01 năm 2026",
        "THÔNG BÁO",
    ]


@needs_shared
@pytest.mark.parametrize(
    ("name", "first_lines", "task_table_rows"),
    [
        ("06_KH-tuyentruyen-CCHC-2026_tasktable.docx", ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], [12, 11]),
        ("07_TB-ketluan-HN-22-01-2026_draft.docx", ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: /TB-UBND"], []),
        ("08_CV-BCD-trienkhai-nhiemvu_draft.docx", ["UBND TỈNH LÂM ĐỒNG"], []),
    ],
)
def test_real_word_files(name: str, first_lines: list[str], task_table_rows: list[int]) -> None:
    parsed = read_docx((REAL / name).read_bytes(), name)
    blocks = [b.text for p in parsed.pages for b in p.blocks]
    assert blocks[: len(first_lines)] == first_lines
    grids = [t for p in parsed.pages for t in p.tables]
    task_grids = [g for g in grids if g.rows and g.rows[0][0] == "TT"]
    assert [len(g.rows) for g in task_grids] == task_table_rows
    assert all(len(set(map(len, g.rows))) == 1 for g in grids)  # rectangular
    assert any(b.startswith("Nơi nhận") for b in blocks)  # the signature layout table is readable
