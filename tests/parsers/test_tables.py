"""extract_table_tasks on PDFs generated here with reportlab (one edge case each), and on the KH 15 sample.

Every case renders a real PDF, reads it with ``read_pdf`` (pdfplumber) and extracts tasks, so the test
covers what the product does end to end for digital PDFs. Expected values are written out per case.
"""

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4

from models.page import PageText, ParsedFile, TableGrid
from models.settings import PdfSettings, TableSettings
from parsers.extractors.header_map import classify_cell, map_header
from parsers.extractors.tables import annex_label, extract_table_tasks
from parsers.readers.pdf_text import read_pdf
from tests.shared_paths import REAL, needs_shared

_spec = importlib.util.spec_from_file_location(
    "make_table_pdfs", Path(__file__).resolve().parents[1] / "fixtures" / "make_table_pdfs.py"
)
assert _spec and _spec.loader
mk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mk)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "kh15_plan.pdf"
EXPECTED = ROOT / "samples" / "expected" / "kh15_plan.tasks.json"

H5 = ["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn"]
H6 = mk.H6
H7 = ["Số TT", "Nhiệm vụ, giải pháp", "Chủ trì", "Phối hợp", "Sản phẩm", "Tiến độ", "Ghi chú"]
LEAD, CO, OUT, DUE = "Sở Nội vụ", "Các sở, ban, ngành", "Báo cáo kết quả", "Quý II/2026"


def task_row(stt: str, n: int, ncols: int = 6, words: int = 12) -> list[str]:
    """A task row for an ``ncols`` matrix: 5 = no result column, 7 = with a Ghi chú column."""
    text = mk.task_text(n, words)
    if ncols == 4:
        return [stt, text, LEAD, DUE]
    if ncols == 5:
        return [stt, text, LEAD, CO, DUE]
    row = [stt, text, LEAD, CO, OUT, DUE]
    return [*row, "ghi chú"] if ncols == 7 else row


def want(
    annex: str | None,
    section: str | None,
    title: str | None,
    stt: str | None,
    n: int,
    pages: list[int],
    ncols: int = 6,
    words: int = 12,
) -> tuple[Any, ...]:
    return (
        annex,
        section,
        title,
        stt,
        mk.task_text(n, words),
        LEAD,
        CO if ncols != 4 else None,
        OUT if ncols in (6, 7) else None,
        DUE,
        pages,
    )


def got(tasks: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            t.annex,
            t.section,
            t.section_title,
            t.stt,
            t.text,
            t.lead_raw,
            t.co_raw,
            t.output_raw,
            t.deadline_raw,
            t.pages,
        )
        for t in tasks
    ]


SEC1, SEC2, SEC3 = (
    "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
    "TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC",
    "HOÀN THIỆN THỂ CHẾ, CHÍNH SÁCH",
)


def _rest(full: str, head: str) -> str:
    assert full.startswith(head + " ")
    return full[len(head) + 1 :]


def _blank(ncols: int) -> list[str]:
    return [""] * (ncols - 2)


CASES: dict[str, tuple[list[Any], list[tuple[Any, ...]], dict[str, Any]]] = {
    "6 columns, Roman section rows unmerged, body table before the annex": (
        [
            mk.Para("Các nhiệm vụ cụ thể tại Phụ lục I, II, III kèm theo; trong đó, tập trung vào nhóm"),
            mk.Grid([H6, task_row("1", 90)]),
            mk.Para("Phụ lục I", bold=True, centered=True),
            mk.Grid(
                [
                    H6,
                    ["I", SEC1, *_blank(6)],
                    task_row("1", 1),
                    task_row("2", 2),
                    ["II", SEC2, *_blank(6)],
                    task_row("3", 3),
                ]
            ),
        ],
        [
            want(None, None, None, "1", 90, [1]),
            want("I", "I", SEC1, "1", 1, [1]),
            want("I", "I", SEC1, "2", 2, [1]),
            want("I", "II", SEC2, "3", 3, [1]),
        ],
        {},
    ),
    "5 columns, header wording TT/Nội dung công việc/Đơn vị/Thời hạn, 'PHỤ LỤC II'": (
        [
            mk.Para("PHỤ LỤC II", bold=True, centered=True),
            mk.Grid([H5, ["(1)", "(2)", "(3)", "(4)", "(5)"], task_row("1", 1, 5), task_row("2.", 2, 5)]),
        ],
        [want("II", None, None, "1", 1, [1], 5), want("II", None, None, "2", 2, [1], 5)],
        {},
    ),
    "7 columns with Ghi chú ignored, 'Phụ lục số 01'": (
        [mk.Para("Phụ lục số 01"), mk.Grid([H7, task_row("1", 1, 7), task_row("2", 2, 7)])],
        [want("1", None, None, "1", 1, [1], 7), want("1", None, None, "2", 2, [1], 7)],
        {},
    ),
    "4 columns, Trách nhiệm thực hiện is the lead, unnumbered 'Phụ lục'": (
        [
            mk.Para("Phụ lục"),
            mk.Grid([["TT", "Nội dung", "Trách nhiệm thực hiện", "Thời gian"], task_row("1", 1, 4)]),
        ],
        [want("Phụ lục", None, None, "1", 1, [1], 4)],
        {},
    ),
    "header typos and missing diacritics": (
        [
            mk.Grid(
                [["STT", "Nhiêm vu", "Co quan chu tri", "Phoi hop", "Ket qua", "Thoi han"], task_row("1", 1)]
            )
        ],
        [want(None, None, None, "1", 1, [1])],
        {},
    ),
    "two-row header: Cơ quan thực hiện over Chủ trì | Phối hợp": (
        [
            mk.Grid(
                [
                    ["STT", "Nhiệm vụ", "Cơ quan thực hiện", "", "Kết quả", "Thời gian hoàn thành"],
                    ["", "", "Chủ trì", "Phối hợp", "", ""],
                    task_row("1", 1),
                ],
                repeat_header=2,
                spans=[
                    ((2, 0), (3, 0)),
                    ((0, 0), (0, 1)),
                    ((1, 0), (1, 1)),
                    ((4, 0), (4, 1)),
                    ((5, 0), (5, 1)),
                ],
            )
        ],
        [want(None, None, None, "1", 1, [1])],
        {},
    ),
    "merged section rows: title merged after STT, and whole row merged": (
        [
            mk.Para("Phụ lục I"),
            mk.Grid(
                [
                    H6,
                    ["I", SEC1, *_blank(6)],
                    task_row("1", 1),
                    ["III. " + SEC3, *_blank(6), ""],
                    task_row("1", 2),
                ],
                span={1},
                span_all={3},
            ),
        ],
        [want("I", "I", SEC1, "1", 1, [1]), want("I", "III", SEC3, "1", 2, [1])],
        {},
    ),
    "Arabic-numeral heading with a task also numbered 1 (Annex III layout)": (
        [
            mk.Para("Phụ lục III"),
            mk.Grid(
                [
                    H6,
                    ["1", "Hoàn thiện chính sách, pháp luật về thông tin dân cư", *_blank(6)],
                    task_row("1", 1),
                    task_row("2", 2),
                    ["II", "Phục vụ giải quyết thủ tục hành chính", *_blank(6)],
                    task_row("1", 3),
                ]
            ),
        ],
        [
            want("III", "I", "Hoàn thiện chính sách, pháp luật về thông tin dân cư", "1", 1, [1]),
            want("III", "I", "Hoàn thiện chính sách, pháp luật về thông tin dân cư", "2", 2, [1]),
            want("III", "II", "Phục vụ giải quyết thủ tục hành chính", "1", 3, [1]),
        ],
        {},
    ),
    "heading fused into the first task's cell": (
        [
            mk.Grid(
                [
                    H6,
                    ["1", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH " + mk.task_text(1), LEAD, CO, OUT, DUE],
                    task_row("2", 2),
                    ["II", SEC2, *_blank(6)],
                    task_row("3", 3),
                ]
            )
        ],
        [
            want(None, "I", SEC1, "1", 1, [1]),
            want(None, "I", SEC1, "2", 2, [1]),
            want(None, "II", SEC2, "3", 3, [1]),
        ],
        {},
    ),
    "row cut by a page break (cells split, STT on the first part), header repeated": (
        [
            mk.Grid([H6, task_row("1", 1), ["2", mk.task_text(2, 40), LEAD, CO, "Báo cáo", DUE]]),
            mk.Break(),
            mk.Grid([H6, ["", _rest(mk.task_text(2, 70), mk.task_text(2, 40)), "", "", "kết quả", ""]]),
            mk.Grid([task_row("3", 3)], repeat_header=0),
        ],
        [
            want(None, None, None, "1", 1, [1]),
            want(None, None, None, "2", 2, [1, 2], words=70),
            want(None, None, None, "3", 3, [2]),
        ],
        {},
    ),
    "table over pages without repeated header, empty-STT task after a heading at a page top": (
        [
            mk.Grid([H6] + [task_row(str(i), i) for i in range(1, 4)]),
            mk.Break(),
            mk.Grid([task_row(str(i), i) for i in range(4, 6)], repeat_header=0),
            mk.Break(),
            mk.Grid([["VII", "An sinh xã hội", *_blank(6)], ["", *task_row("", 6)[1:]]], repeat_header=0),
        ],
        [want(None, None, None, str(i), i, [1 if i <= 3 else 2]) for i in range(1, 6)]
        + [want(None, "VII", "An sinh xã hội", None, 6, [3])],
        {},
    ),
    "same header again after a paragraph is a new table (section not carried); page numbers are not text": (
        [
            mk.Grid([H6, ["I", SEC1, *_blank(6)], task_row("1", 1)]),
            mk.Break(),
            mk.Para("2", centered=True),  # page number printed at the top (Nghị định 30)
            mk.Grid([H6, task_row("2", 2)]),
            mk.Para("2. Các nhiệm vụ của cấp xã"),
            mk.Grid([H6, task_row("1", 3)]),
        ],
        [
            want(None, "I", SEC1, "1", 1, [1]),
            want(None, "I", SEC1, "2", 2, [2]),
            want(None, None, None, "1", 3, [2]),
        ],
        {},
    ),
    "row cut by a page break, no header on the next page; Arabic heading over 2.1/2.2": (
        [
            mk.Grid(
                [
                    H6,
                    ["2", "Nhóm nhiệm vụ về dữ liệu", *_blank(6)],
                    ["2.1", mk.task_text(1, 40), LEAD, CO, "Báo cáo", DUE],
                ]
            ),
            mk.Break(),
            mk.Grid(
                [
                    ["", _rest(mk.task_text(1, 60), mk.task_text(1, 40)), "", "", "kết quả", ""],
                    task_row("2.2", 2),
                ],
                repeat_header=0,
            ),
        ],
        [
            want(None, "2", "Nhóm nhiệm vụ về dữ liệu", "2.1", 1, [1, 2], words=60),
            want(None, "2", "Nhóm nhiệm vụ về dữ liệu", "2.2", 2, [2]),
        ],
        {},
    ),
    "non-task tables are ignored (statistics, signature layout)": (
        [
            mk.Grid(
                [["Chỉ số", "Năm 2024", "Năm 2025", "Xếp hạng"], ["PCI", "65,2", "66,1", "12"]],
                repeat_header=0,
            ),
            mk.Para("Phụ lục II"),
            mk.Grid([H6, task_row("1", 1)]),
            mk.Grid([["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"], ["- Như trên;", "CHỦ TỊCH"]], repeat_header=0),
        ],
        [want("II", None, None, "1", 1, [1])],
        {"page_size": A4},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_generated_pdf(name: str) -> None:
    items, expected, options = CASES[name]
    data = mk.build_pdf(items, **options)
    tasks = extract_table_tasks(read_pdf(data, "case.pdf", PdfSettings()), TableSettings())
    assert got(tasks) == expected
    assert [t.order for t in tasks] == list(range(len(tasks)))
    assert all(t.source == "table" and t.method == "text" and t.confidence == 1.0 for t in tasks)
    assert all(t.parser_version == "tables.v2" for t in tasks)


def test_raw_cells_keep_the_pieces_before_joining_and_splitting() -> None:
    data = mk.build_pdf(
        [
            mk.Grid(
                [
                    H6,
                    ["1", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH " + mk.task_text(1), LEAD, CO, OUT, DUE],
                    ["2", mk.task_text(2, 40), LEAD, CO, OUT, DUE],
                ],
            ),
            mk.Break(),
            mk.Grid([["", _rest(mk.task_text(2, 70), mk.task_text(2, 40)), "", "", "", ""]], repeat_header=0),
        ],
    )
    first, second = extract_table_tasks(read_pdf(data, "c.pdf", PdfSettings()), TableSettings())
    assert first.raw_cells["text"] == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH " + mk.task_text(1)
    assert first.raw_cells["stt"] == "1" and first.raw_cells["lead"] == LEAD
    assert second.raw_cells["text"].split("\n") == [
        mk.task_text(2, 40),
        _rest(mk.task_text(2, 70), mk.task_text(2, 40)),
    ]
    assert second.text == mk.task_text(2, 70) and second.pages == [1, 2]


def test_ocr_grid_from_another_reader() -> None:
    """Grids built by OCR (no pdfplumber) go through the same logic; confidence = mean cell confidence."""
    grid = TableGrid(
        page=3,
        bbox=(0, 100, 500, 400),
        rows=[H6, ["II", SEC2, None, None, None, None], ["7", "Tuyên truyền sâu rộng", LEAD, CO, OUT, DUE]],
        row_tops=[100, 130, 160],
        cell_confidence=[[0.9] * 6, [0.8, 0.8, None, None, None, None], [1.0, 0.5, 0.9, 0.9, 0.8, 0.6]],
        method="ocr",
    )
    page = PageText(page=3, width=842, height=595, method="ocr", tables=[grid])
    (task,) = extract_table_tasks(
        ParsedFile(source_sha256="0" * 64, file_name="s.pdf", pages=[page]), TableSettings()
    )
    assert (task.section, task.section_title, task.stt, task.text, task.method) == (
        "II",
        SEC2,
        "7",
        "Tuyên truyền sâu rộng",
        "ocr",
    )
    assert task.confidence == pytest.approx((1.0 + 0.5 + 0.9 + 0.9 + 0.8 + 0.6) / 6)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Phụ lục I", "I"),
        ("PHỤ LỤC III", "III"),
        ("Phụ lục số 01", "1"),
        ("Phụ lục", "Phụ lục"),
        ("PHỤ LỤC II: DANH MỤC NHIỆM VỤ", "II"),
        ("Phụ lục I, II, III kèm theo); trong đó, tập trung vào các nhóm nhiệm vụ", None),
        ("Phụ lục I Nghị quyết số 71/NQ-CP của Chính phủ.", None),
        ("DANH MỤC CÁC NHIỆM VỤ TRỌNG TÂM", None),
    ],
)
def test_annex_label(text: str, label: str | None) -> None:
    assert annex_label(text) == label


@pytest.mark.parametrize(
    ("cell", "field"),
    [
        ("STT", "stt"),
        ("TT", "stt"),
        ("Số TT", "stt"),
        ("Nhiệm vụ", "text"),
        ("Nội dung", "text"),
        ("Nội dung công việc", "text"),
        ("Tên nhiệm vụ", "text"),
        ("Nhiệm vụ, giải pháp", "text"),
        ("Cơ quan chủ trì", "lead"),
        ("Đơn vị chủ trì", "lead"),
        ("Chủ trì", "lead"),
        ("Trách nhiệm thực hiện", "lead"),
        ("Cơ quan phối hợp", "co"),
        ("Cơ quan thực hiện/phối hợp", "co"),
        ("Đơn vị phối hợp", "co"),
        ("Phối hợp", "co"),
        ("Kết quả", "output"),
        ("Sản phẩm", "output"),
        ("Kết quả, sản phẩm", "output"),
        ("Mô tả kết quả, sản phẩm đầu ra", "output"),
        ("Kết quả đầu ra", "output"),
        ("Thời gian", "deadline"),
        ("Thời hạn", "deadline"),
        ("Thời gian hoàn thành", "deadline"),
        ("Thời hạn hoàn thành", "deadline"),
        ("Tiến độ", "deadline"),
        ("Thời gian thực hiện", "deadline"),
        ("Ghi chú", "note"),
        ("THỜI HẠN HOÀN THÀNH", "deadline"),
        ("Thòi hạn", "deadline"),
        ("Sở Nội vụ", None),
        ("Quý II/2026", None),
        ("", None),
    ],
)
def test_header_cell(cell: str, field: str | None) -> None:
    assert classify_cell(cell) == field


def test_lone_co_quan_thuc_hien_column_is_the_lead() -> None:
    assert map_header(["TT", "Nội dung", "Cơ quan thực hiện", "Thời gian"]).columns == {
        0: "stt",
        1: "text",
        2: "lead",
        3: "deadline",
    }


# --- the KH 15 plan rendered by samples/make_samples.py -----------------------------------------------


@pytest.fixture(scope="module")
def kh15() -> tuple[list[Any], list[dict[str, Any]]]:
    if not SAMPLE.exists() or not EXPECTED.exists():
        pytest.fail(f"{SAMPLE} or {EXPECTED} missing: run `make samples` (samples/make_samples.py) first")
    parsed = read_pdf(SAMPLE.read_bytes(), SAMPLE.name, PdfSettings())
    tasks = extract_table_tasks(parsed, TableSettings())
    golden = json.loads(EXPECTED.read_text(encoding="utf-8"))
    expected = [r for r in golden["tasks"] if r["source"] == "table"]
    return tasks, expected


def _expected_value(record: dict[str, Any], field: str) -> Any:
    """The golden value of a RawTask field: raw cells are top-level ``*_raw``, the deadline's is ``deadline.raw``."""
    if field == "deadline_raw":
        return (record.get("deadline") or {}).get("raw")
    if field == "output_raw":
        return record.get("output")
    return record.get(field)


@pytest.mark.slow
def test_kh15_task_counts_per_annex(kh15: tuple[list[Any], list[dict[str, Any]]]) -> None:
    tasks, expected = kh15
    count = {a: sum(1 for t in tasks if t.annex == a) for a in ("I", "II", "III")}
    assert count == {"I": 89, "II": 6, "III": 24}
    assert len(tasks) == len(expected) == 119


@pytest.mark.slow
@pytest.mark.parametrize(
    "field",
    [
        "text",
        "stt",
        "section",
        "annex",
        "lead_raw",
        "deadline_raw",
        "section_title",
        "co_raw",
        "output_raw",
        "pages",
    ],
)
def test_kh15_field_exact(field: str, kh15: tuple[list[Any], list[dict[str, Any]]]) -> None:
    tasks, expected = kh15
    mismatches = [
        (i, getattr(t, field), _expected_value(e, field))
        for i, (t, e) in enumerate(zip(tasks, expected, strict=True))
        if getattr(t, field) != _expected_value(e, field)
    ]
    assert mismatches == []


@needs_shared
def test_grids_from_the_word_reader() -> None:
    """Real Word file (KH tuyên truyền CCHC 2026): two TT/Nội dung/Trách nhiệm thực hiện/Thời gian tables,
    11 sở then 10 xã, separated by a paragraph; read by parsers.readers.docx_text, not pdfplumber."""
    from parsers.readers.docx_text import read_docx

    path = REAL / "06_KH-tuyentruyen-CCHC-2026_tasktable.docx"
    tasks = extract_table_tasks(read_docx(path.read_bytes(), path.name), TableSettings())
    assert [t.stt for t in tasks] == [str(i) for i in range(1, 12)] + [str(i) for i in range(1, 11)]
    assert {(t.annex, t.section, t.method, t.co_raw) for t in tasks} == {(None, None, "docx", None)}
    assert (tasks[0].lead_raw, tasks[0].deadline_raw) == (
        "Lãnh đạo Sở Công Thương",
        "Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1",
    )
    assert (tasks[-1].lead_raw, tasks[-1].deadline_raw) == (
        "Lãnh đạo UBND xã Hòa Ninh",
        "Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 25 tháng 12",
    )
