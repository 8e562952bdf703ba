"""The export shapes: contract JSON keys (fields never dropped, unknown = null), CSV, XLSX layout."""

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from models.document import Document, DocumentMeta
from models.task import AgencyRef, Deadline, Milestone, RawTask, Task
from store.export import (
    CSV_COLUMNS,
    csv_cell,
    csv_header,
    render_export,
    task_record,
    to_csv,
    to_json,
)
from store.xlsx import ALL_TASKS_HEADER, XLSX_HEADER, sheet_name, to_xlsx

CONTRACT_KEYS = {
    "task_id", "document", "source", "annex", "section", "section_title", "stt", "text", "lead", "co",
    "output", "deadline", "status", "pages", "method", "confidence", "corrected", "superseded_by",
}  # fmt: skip
DOCUMENT_KEYS = {
    "doc_id",
    "file",
    "doc_type",
    "number",
    "issue_date",
    "issue_month",
    "issuer",
    "subject",
    "signer",
    "logical_id",
    "renditions",
}
DEADLINE_KEYS = {"raw", "kind", "due", "recurrence", "condition", "milestones"}


def _sample() -> tuple[Task, Document]:
    doc = Document(
        doc_id="9" * 64,
        file="kh15.pdf",
        meta=DocumentMeta(doc_type="KẾ HOẠCH", number="15/KH-BCĐ", issue_date=date(2026, 1, 30)),
    )
    deadline = Deadline(
        raw="ban hành kế hoạch trong tháng 01/2026 và tổ chức thực hiện",
        kind="month",
        due=date(2026, 1, 31),
        milestones=[Milestone(due=date(2026, 1, 31), text="ban hành kế hoạch trong tháng 01/2026")],
    )
    raw = RawTask(source="table", text="Xây dựng Kế hoạch", pages=[12, 13])
    task = Task(
        task_id="abc",
        doc_id=doc.doc_id,
        source="table",
        annex="I",
        section="III",
        stt="12",
        text="Xây dựng Kế hoạch",
        lead=[AgencyRef(name="Sở Khoa học và Công nghệ", raw="Sở KH&CN")],
        deadline=deadline,
        pages=[12, 13],
        raw=raw,
    )
    return task, doc


def test_task_record_has_every_contract_field() -> None:
    task, doc = _sample()
    rec = json.loads(to_json([task_record(task, doc)]))[0]
    assert set(rec) == CONTRACT_KEYS
    assert set(rec["document"]) == DOCUMENT_KEYS
    assert set(rec["deadline"]) == DEADLINE_KEYS
    assert rec["document"]["issue_month"] is None and rec["output"] is None  # unknown is null, not absent
    assert rec["deadline"]["due"] == "2026-01-31"
    assert rec["deadline"]["milestones"] == [
        {"due": "2026-01-31", "text": "ban hành kế hoạch trong tháng 01/2026"}
    ]
    assert rec["lead"] == [{"name": "Sở Khoa học và Công nghệ", "raw": "Sở KH&CN", "kind": "agency"}]


def test_json_is_utf8_not_escaped() -> None:
    task, doc = _sample()
    text = to_json([task_record(task, doc)])
    assert "Sở Khoa học" in text and "\\u" not in text


def test_csv_flattens_one_row_per_task() -> None:
    task, doc = _sample()
    rows = list(csv.DictReader(io.StringIO(to_csv([task_record(task, doc)], lang="en", bom=False))))
    assert list(rows[0]) == CSV_COLUMNS
    assert rows[0]["lead"] == "Sở Khoa học và Công nghệ" and rows[0]["pages"] == "12,13"
    assert (
        rows[0]["deadline_kind"] == "month" and rows[0]["source"] == "table"
    )  # English: the contract's codes


def test_csv_is_vietnamese_with_a_byte_order_mark_by_default() -> None:
    task, doc = _sample()
    text = to_csv([task_record(task, doc)])
    assert text.startswith("\ufeff") and not text.startswith("\ufeff\ufeff")
    assert text.encode("utf-8")[:3] == b"\xef\xbb\xbf"  # what Excel on Windows looks for
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == csv_header("vi")
    assert rows[0][:3] == ["Mã nhiệm vụ", "Mã tệp", "Tệp"] and "Cơ quan chủ trì" in rows[0]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (
        row["Loại thời hạn"] == "tháng"
        and row["Nguồn"] == "bảng"
        and row["Cơ quan chủ trì"] == "Sở Khoa học và Công nghệ"
    )
    assert not to_csv([task_record(task, doc)], bom=False).startswith("\ufeff")


def test_xlsx_has_one_sheet_per_document_in_annex_layout() -> None:
    task, doc = _sample()
    wb = load_workbook(io.BytesIO(to_xlsx([doc], {doc.doc_id: [task]})))
    assert wb.sheetnames == ["Tất cả nhiệm vụ", "15-KH-BCĐ"]
    ws = wb["15-KH-BCĐ"]
    assert [c.value for c in ws[1]] == XLSX_HEADER
    assert ws["A2"].value == "Phụ lục I III" and ws["A2"].font.bold
    assert [c.value for c in ws[3]][:3] == ["12", "Xây dựng Kế hoạch", "Sở Khoa học và Công nghệ"]


def _task(doc: Document, n: int, **fields: object) -> Task:
    base: dict[str, object] = {
        "task_id": f"t{n:03d}", "doc_id": doc.doc_id, "source": "table", "annex": "I", "section": "II",
        "stt": str(n), "text": f"Nhiệm vụ số {n}", "pages": [n], "order": n,
        "raw": RawTask(source="table", text=f"Nhiệm vụ số {n}", pages=[n]),
    }  # fmt: skip
    return Task(**(base | fields))


def _doc(n: int, number: str | None, file: str = "x.pdf", **meta: object) -> Document:
    return Document(doc_id=f"{n:064d}", file=file, meta=DocumentMeta(number=number, **meta))


def _workbook(docs: list[Document], tasks: list[Task], lang: str = "vi"):  # type: ignore[no-untyped-def]
    by_doc: dict[str, list[Task]] = {}
    for t in tasks:
        by_doc.setdefault(t.doc_id, []).append(t)
    return load_workbook(io.BytesIO(to_xlsx(docs, by_doc, lang=lang)))


def test_xlsx_combined_sheet_filters_freezes_dates_wraps_and_prints_a4_landscape() -> None:
    doc = _doc(1, "15/KH-BCĐ", issue_date=date(2026, 1, 30), doc_type="KẾ HOẠCH")
    tasks = [
        _task(doc, 1, deadline=Deadline(raw="trước ngày 12/6/2026", kind="date", due=date(2026, 6, 12))),
        _task(doc, 2, deadline=Deadline(raw="Hằng tháng", kind="recurring", recurrence="monthly")),
        _task(
            doc, 3, deadline=Deadline(raw="khi có chủ trương", kind="conditional", condition="có chủ trương")
        ),
    ]
    wb = _workbook([doc], tasks)
    assert wb.sheetnames[0] == "Tất cả nhiệm vụ" and wb.active.title == "Tất cả nhiệm vụ"
    for ws in wb.worksheets:  # every sheet prints the same way
        assert ws.freeze_panes == "A2"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (
            1,
            0,
        )  # width fits, pages flow
        assert ws.print_title_rows == "$1:$1"  # the header row on every printed page
        assert all(c.font.bold for c in ws[1])
    ws = wb["Tất cả nhiệm vụ"]
    assert [c.value for c in ws[1]] == ALL_TASKS_HEADER
    assert ws.auto_filter.ref == f"A1:N{len(tasks) + 1}"
    header = [c.value for c in ws[1]]
    due = ws.cell(row=2, column=header.index("Hạn (chuẩn hóa)") + 1)
    assert due.is_date and due.value.date() == date(2026, 6, 12) and due.number_format == "DD/MM/YYYY"
    issued = ws.cell(row=2, column=header.index("Ngày ban hành") + 1)
    assert (
        issued.is_date and issued.value.date() == date(2026, 1, 30) and issued.number_format == "DD/MM/YYYY"
    )
    text = ws.cell(row=2, column=header.index("Nhiệm vụ") + 1)
    assert text.alignment.wrap_text and ws.column_dimensions[text.column_letter].width >= 40
    kinds = [ws.cell(row=r, column=header.index("Loại thời hạn") + 1).value for r in (2, 3, 4)]
    assert kinds == ["ngày", "định kỳ", "có điều kiện"]  # words under Vietnamese headers, not codes
    values = {c.value for row in wb.worksheets[1].iter_rows() for c in row} | {
        c.value for row in ws.iter_rows() for c in row
    }
    assert not values & {"recurring", "conditional", "date", "month", "table", "prose"}
    assert wb["15-KH-BCĐ"].oddHeader.left.text.startswith("KẾ HOẠCH 15/KH-BCĐ, 30/01/2026")


def test_xlsx_in_english_on_request() -> None:
    doc = _doc(1, "15/KH-BCĐ", issue_date=date(2026, 1, 30))
    wb = _workbook(
        [doc],
        [_task(doc, 1, deadline=Deadline(raw="Hằng quý", kind="recurring", recurrence="quarterly"))],
        "en",
    )
    assert wb.sheetnames == ["All tasks", "15-KH-BCĐ"]
    ws = wb["All tasks"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["Document", "Issue date"] and "Lead agency" in header
    assert ws.cell(row=2, column=header.index("Deadline kind") + 1).value == "recurring"
    assert ws.cell(row=2, column=header.index("Issue date") + 1).number_format == "YYYY-MM-DD"
    assert wb["15-KH-BCĐ"]["A2"].value == "Annex I II"


def test_sheet_names_are_numbers_made_valid_and_unique() -> None:
    docs = [
        _doc(1, "15/KH-BCĐ", "kh15.docx"),
        _doc(2, "15/KH-BCĐ", "kh15.pdf"),  # the same plan as PDF: told apart by its kind
        _doc(3, "15/KH-BCĐ", "kh15 copy.pdf"),  # a third copy: numbered
        _doc(4, "/UBND-KGVX", "cv.pdf"),  # serial left blank for the hand-written number
        _doc(5, None, "kh15_p09-13_200dpi.pdf", doc_type="KẾ HOẠCH", issue_date=date(2026, 1, 30)),
        _doc(6, None, "scan.pdf"),
        _doc(7, "123/QĐ-UBND [dự thảo]: *sửa đổi*? bổ sung quy chế phối hợp liên ngành", "qd.pdf"),
        _doc(8, "15/kh-bcđ", "lower.pdf"),  # Excel compares sheet names ignoring case
        _doc(9, "History", "h.pdf"),  # a name Excel reserves
    ]
    wb = _workbook(docs, [_task(d, 1) for d in docs])
    names = wb.sheetnames[1:]
    assert names[:6] == [
        "15-KH-BCĐ", "15-KH-BCĐ (pdf)", "15-KH-BCĐ (2)", "UBND-KGVX", "Kế hoạch Không số 30.01.2026", "Không số",
    ]  # fmt: skip
    assert names[6] == "123-QĐ-UBND -dự thảo- -sửa đổi"
    assert names[7] == "15-kh-bcđ (3)"
    assert names[8] == "History (1)"
    assert len({n.casefold() for n in wb.sheetnames}) == len(wb.sheetnames)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in wb.sheetnames)


def test_sheet_name_counts_utf16_units_and_keeps_suffixes() -> None:
    used: set[str] = set()
    long = "Kế hoạch 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"  # emoji are two UTF-16 units each in Excel
    first = sheet_name(long, used)
    second = sheet_name(long, used)
    assert len(first.encode("utf-16-le")) // 2 <= 31 and len(second.encode("utf-16-le")) // 2 <= 31
    assert second.endswith(" (2)") and first != second
    assert sheet_name("'quoted'", used) == "quoted"


HOSTILE = [
    '=HYPERLINK("http://x.example","bấm") tổng hợp',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1+2",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def _hostile_workbook(hostile: list[str]):  # type: ignore[no-untyped-def]
    doc = _doc(1, hostile[0], hostile[1] + ".pdf", doc_type=hostile[2], subject=hostile[3])
    tasks = [
        _task(doc, i, text=h, stt=h, section=h, section_title=h, output=h, lead=[AgencyRef(name=h, raw=h)],
              co=[AgencyRef(name=h, raw=h)], deadline=Deadline(raw=h, kind="unknown"))
        for i, h in enumerate(hostile)
    ]  # fmt: skip
    return doc, tasks, _workbook([doc], tasks)


def test_xlsx_never_writes_a_cell_as_a_formula() -> None:
    _, _, wb = _hostile_workbook(HOSTILE)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for h in HOSTILE:
        assert h.replace("\r", "\n") in texts or h in texts, h  # kept as printed (XML turns CR into LF)
    starts = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert starts and all(c.quotePrefix for c in starts)  # Excel keeps them text even once edited


def test_xlsx_drops_control_characters_xml_cannot_hold() -> None:
    doc = _doc(1, "1/KH")
    wb = _workbook([doc], [_task(doc, 1, text="Báo\x00cáo\x07 quý\x1f")])
    assert wb["Tất cả nhiệm vụ"]["F2"].value == "Báocáo quý"


def test_csv_prefixes_cells_that_start_like_formulas_unless_raw() -> None:
    doc, tasks, _ = _hostile_workbook(HOSTILE)
    records = [task_record(t, doc) for t in tasks]
    for lang in ("vi", "en"):
        rows = list(csv.reader(io.StringIO(to_csv(records, lang=lang, bom=False))))[1:]
        cells = [c for row in rows for c in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
        for h in HOSTILE:
            assert "'" + h in cells
    raw = list(csv.reader(io.StringIO(to_csv(records, bom=False, raw=True))))[1:]
    assert {h for h in HOSTILE} <= {c for row in raw for c in row}
    assert csv_cell("Sở Nội vụ") == "Sở Nội vụ" and csv_cell(-1) == -1 and csv_cell(None) is None
    assert csv_cell("a=b") == "a=b"  # only the first character matters


def test_render_export_passes_language_bom_and_raw_through() -> None:
    doc = _doc(1, "1/KH")
    tasks = [
        _task(doc, 1, text="=1+1", deadline=Deadline(raw="Hằng năm", kind="recurring", recurrence="yearly"))
    ]
    vi = render_export("csv", [doc], tasks).decode("utf-8")
    assert vi.startswith("\ufeffMã nhiệm vụ,") and ",'=1+1," in vi and "định kỳ" in vi and "hằng năm" in vi
    en = render_export("csv", [doc], tasks, lang="en", bom=False, raw=True).decode("utf-8")
    assert en.startswith("task_id,") and ",=1+1," in en and ",recurring," in en and ",yearly," in en
    assert (
        load_workbook(io.BytesIO(render_export("xlsx", [doc], tasks, lang="en"))).sheetnames[0] == "All tasks"
    )
    assert json.loads(render_export("json", [doc], tasks))[0]["text"] == "=1+1"  # JSON is data for tools
    with pytest.raises(ValueError, match="pdf"):
        render_export("pdf", [doc], tasks)


def test_xlsx_issue_month_when_the_day_is_not_printed() -> None:
    letter = _doc(1, "/UBND-KGVX", issue_month="2026-06")
    assert _workbook([letter], [_task(letter, 1)])["Tất cả nhiệm vụ"]["B2"].value == "06/2026"
    assert _workbook([letter], [_task(letter, 1)], "en")["All tasks"]["B2"].value == "2026-06"


@pytest.mark.parametrize("n", [0, 1, 3])
def test_streamed_json_is_the_text_json_dumps_gives(n: int) -> None:
    """The export writes one record at a time; tools see the same text as the whole array dumped at once."""
    doc = _doc(1, "15/KH-BCĐ")
    records = [task_record(_task(doc, i, text=f"dòng\n{i} \"x\""), doc) for i in range(n)]
    assert to_json(iter(records)) == json.dumps(records, ensure_ascii=False, indent=2) + "\n"
