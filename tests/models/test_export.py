"""The export shapes: contract JSON keys (fields never dropped, unknown = null), CSV, XLSX layout."""

import csv
import io
import json
from datetime import date

from openpyxl import load_workbook

from models.document import Document, DocumentMeta
from models.export import CSV_COLUMNS, XLSX_HEADER, task_record, to_csv, to_json, to_xlsx
from models.task import AgencyRef, Deadline, Milestone, RawTask, Task

CONTRACT_KEYS = {
    "task_id", "document", "source", "annex", "section", "section_title", "stt", "text", "lead", "co",
    "output", "deadline", "pages", "method", "confidence",
}  # fmt: skip
DOCUMENT_KEYS = {"doc_id", "file", "doc_type", "number", "issue_date", "issue_month", "issuer", "subject", "signer"}
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
    assert rec["deadline"]["milestones"] == [{"due": "2026-01-31", "text": "ban hành kế hoạch trong tháng 01/2026"}]
    assert rec["lead"] == [{"name": "Sở Khoa học và Công nghệ", "raw": "Sở KH&CN", "kind": "agency"}]


def test_json_is_utf8_not_escaped() -> None:
    task, doc = _sample()
    text = to_json([task_record(task, doc)])
    assert "Sở Khoa học" in text and "\\u" not in text


def test_csv_flattens_one_row_per_task() -> None:
    task, doc = _sample()
    rows = list(csv.DictReader(io.StringIO(to_csv([task_record(task, doc)]))))
    assert list(rows[0]) == CSV_COLUMNS
    assert rows[0]["lead"] == "Sở Khoa học và Công nghệ" and rows[0]["pages"] == "12,13"


def test_xlsx_has_one_sheet_per_document_in_annex_layout() -> None:
    task, doc = _sample()
    wb = load_workbook(io.BytesIO(to_xlsx([doc], {doc.doc_id: [task]})))
    assert wb.sheetnames == ["15-KH-BCĐ"]
    ws = wb["15-KH-BCĐ"]
    assert [c.value for c in ws[1]] == XLSX_HEADER
    assert ws["A2"].value == "Phụ lục I III" and ws["A2"].font.bold
    assert [c.value for c in ws[3]][:3] == ["12", "Xây dựng Kế hoạch", "Sở Khoa học và Công nghệ"]
