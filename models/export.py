"""Registry contents in the shapes other tools read: contract JSON, flat CSV, and the clerk's XLSX.

The JSON shape is ``../shared/export-contract.md``; it only ever gains fields. A field that is unknown is
``None`` (JSON null), never left out.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from models.document import Document
from models.task import AgencyRef, Task


def document_record(doc: Document) -> dict[str, Any]:
    m = doc.meta
    return {
        "doc_id": doc.doc_id,
        "file": doc.file,
        "doc_type": m.doc_type,
        "number": m.number,
        "issue_date": m.issue_date.isoformat() if m.issue_date else None,
        "issue_month": m.issue_month,
        "issuer": m.issuer,
        "subject": m.subject,
        "signer": m.signer,
    }


def _agencies(refs: list[AgencyRef]) -> list[dict[str, str]]:
    return [{"name": a.name, "raw": a.raw, "kind": a.kind} for a in refs]


def task_record(task: Task, doc: Document) -> dict[str, Any]:
    """One task in the contract's JSON shape."""
    d = task.deadline
    return {
        "task_id": task.task_id,
        "document": document_record(doc),
        "source": task.source,
        "annex": task.annex,
        "section": task.section,
        "section_title": task.section_title,
        "stt": task.stt,
        "text": task.text,
        "lead": _agencies(task.lead),
        "co": _agencies(task.co),
        "output": task.output,
        "deadline": {
            "raw": d.raw,
            "kind": d.kind,
            "due": d.due.isoformat() if d.due else None,
            "recurrence": d.recurrence,
            "condition": d.condition,
            "milestones": [{"due": m.due.isoformat(), "text": m.text} for m in d.milestones],
        },
        "pages": list(task.pages),
        "method": task.method,
        "confidence": round(task.confidence, 4),
    }


def to_json(records: Iterable[dict[str, Any]]) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = [
    "task_id", "doc_id", "file", "doc_type", "number", "issue_date", "issuer", "source", "annex", "section",
    "section_title", "stt", "text", "lead", "lead_raw", "co", "co_raw", "output", "deadline_raw",
    "deadline_kind", "deadline_due", "deadline_recurrence", "deadline_condition", "pages", "method", "confidence",
]  # fmt: skip


def csv_row(rec: dict[str, Any]) -> dict[str, Any]:
    """Flatten a contract record: lists joined with "; ", the document's identity inlined."""
    doc, dl = rec["document"], rec["deadline"]
    return {
        "task_id": rec["task_id"],
        "doc_id": doc["doc_id"],
        "file": doc["file"],
        "doc_type": doc["doc_type"],
        "number": doc["number"],
        "issue_date": doc["issue_date"],
        "issuer": doc["issuer"],
        "source": rec["source"],
        "annex": rec["annex"],
        "section": rec["section"],
        "section_title": rec["section_title"],
        "stt": rec["stt"],
        "text": rec["text"],
        "lead": "; ".join(a["name"] for a in rec["lead"]),
        "lead_raw": "; ".join(a["raw"] for a in rec["lead"]),
        "co": "; ".join(a["name"] for a in rec["co"]),
        "co_raw": "; ".join(a["raw"] for a in rec["co"]),
        "output": rec["output"],
        "deadline_raw": dl["raw"],
        "deadline_kind": dl["kind"],
        "deadline_due": dl["due"],
        "deadline_recurrence": dl["recurrence"],
        "deadline_condition": dl["condition"],
        "pages": ",".join(str(p) for p in rec["pages"]),
        "method": rec["method"],
        "confidence": rec["confidence"],
    }


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow(csv_row(rec))
    return buf.getvalue()


XLSX_HEADER = [
    "STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả, sản phẩm", "Thời hạn",
    "Hạn (chuẩn hóa)", "Loại thời hạn", "Phụ lục", "Mục", "Trang", "Văn bản", "Mã nhiệm vụ",
]  # fmt: skip
_WIDTHS = [6, 60, 28, 28, 32, 22, 12, 12, 8, 6, 8, 18, 18]


def _sheet_title(doc: Document, used: set[str]) -> str:
    base = (doc.meta.number or doc.file).replace("/", "-").replace("\\", "-")
    for ch in "[]:*?":
        base = base.replace(ch, "")
    base = base.strip(" -") or doc.doc_id[:12]
    title, n = base[:31], 2
    while title in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def to_xlsx(docs: list[Document], tasks_by_doc: dict[str, list[Task]]) -> bytes:
    """One sheet per document laid out like an annex: section rows in bold, then the tasks."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    wrap = Alignment(wrap_text=True, vertical="top")
    for doc in docs:
        ws = wb.create_sheet(_sheet_title(doc, used))
        ws.append(XLSX_HEADER)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        for i, width in enumerate(_WIDTHS, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        last_heading: tuple[str | None, str | None] | None = None
        for t in tasks_by_doc.get(doc.doc_id, []):
            heading = (t.annex, t.section)
            if heading != last_heading and (t.section or t.annex):
                label = " ".join(x for x in (f"Phụ lục {t.annex}" if t.annex else None, t.section) if x)
                ws.append([label, t.section_title or ""])
                for cell in ws[ws.max_row]:
                    cell.font = Font(bold=True)
                last_heading = heading
            ws.append(
                [
                    t.stt,
                    t.text,
                    "; ".join(a.name for a in t.lead),
                    "; ".join(a.name for a in t.co),
                    t.output,
                    t.deadline.raw,
                    t.deadline.due,
                    t.deadline.kind,
                    t.annex,
                    t.section,
                    ",".join(map(str, t.pages)),
                    doc.meta.number or doc.file,
                    t.task_id,
                ]
            )
            for cell in ws[ws.max_row]:
                cell.alignment = wrap
    if not wb.sheetnames:
        wb.create_sheet("(trống)")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
