"""Registry contents in the shapes other tools and people read: contract JSON, flat CSV, the clerk's XLSX.

The JSON shape is ``../shared/export-contract.md``; it only ever gains fields. A field that is unknown is
``None`` (JSON null), never left out. JSON stays in the contract's codes whatever the language.

CSV and XLSX are opened by people, in Excel or LibreOffice, so:

- **No cell a document supplies is ever a formula.** A task cell reading ``=HYPERLINK(…)`` or
  ``=cmd|' /C calc'!A0`` is data. XLSX cells are written as strings (type ``s``, never ``f``; cells that
  look like formulas also carry Excel's quote prefix, so editing one keeps it text). CSV cells that start
  with ``= + - @``, a tab or a carriage return get a leading ``'`` (OWASP, "CSV injection"), unless
  ``raw=True`` (for tools that want the bytes as printed).
- **One language per file**: Vietnamese headers and values by default (``lang="vi"``); ``lang="en"`` gives
  English. The English CSV keeps the machine column names and codes (``task_id``, ``recurring``) that
  tools read since the first release.
- The CSV starts with a UTF-8 byte-order mark by default, so Excel on Windows reads it as UTF-8
  (``bom=False`` for tools). Dates in the CSV are ISO (Excel reads them as dates in any locale).
- The XLSX is ``store/xlsx.py`` (imported only when one is written: openpyxl is slow to import).

Every format is written as the tasks are read (``write_export``): memory stays flat whatever the count.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any, BinaryIO, TextIO

from models.document import Document
from models.labels import DEFAULT_LANG, label, value_label
from models.task import AgencyRef, Task, task_fields


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
        # issue 13: the logical document and every file of it (its doc_id is the stored rendition's)
        "logical_id": doc.logical_id or doc.doc_id,
        "renditions": [
            {"doc_id": r.doc_id, "file": r.file, "method": r.method, "received": r.received}
            for r in doc.renditions
        ],
    }


def _agencies(refs: list[AgencyRef]) -> list[dict[str, str]]:
    return [{"name": a.name, "raw": a.raw, "kind": a.kind} for a in refs]


def task_record(task: Task, doc: Document | dict[str, Any]) -> dict[str, Any]:
    """One task in the contract's JSON shape (``doc``: the document or its ``document_record``)."""
    f, d = task_fields(task), task.deadline
    return {
        "task_id": f["task_id"],
        "document": doc if isinstance(doc, dict) else document_record(doc),
        **{k: f[k] for k in ("source", "annex", "section", "section_title", "stt", "text")},
        "lead": _agencies(task.lead),
        "co": _agencies(task.co),
        "output": f["output"],
        "deadline": {
            "raw": d.raw,
            "kind": d.kind,
            "due": f["deadline_due"],
            "recurrence": d.recurrence,
            "condition": d.condition,
            "milestones": [{"due": m.due.isoformat(), "text": m.text} for m in d.milestones],
        },
        **{k: f[k] for k in ("status", "pages", "method")},
        "confidence": round(task.confidence, 4),
        "corrected": list(task.corrected),
        "superseded_by": task.superseded_by,
    }


def write_json(out: TextIO, records: Iterable[dict[str, Any]]) -> None:
    """The records as one JSON array, written one record at a time (memory stays flat whatever the count);
    the same text ``json.dumps(list, indent=2)`` gives, so a tool sees no difference."""
    first = True
    for rec in records:
        item = json.dumps(rec, ensure_ascii=False, indent=2).replace(
            "\n", "\n  "
        )  # strings hold no raw newline
        out.write(("[\n  " if first else ",\n  ") + item)
        first = False
    out.write("[]\n" if first else "\n]\n")


def to_json(records: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    write_json(buf, records)
    return buf.getvalue()


# -- cells a document supplies ------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object, *, raw: bool = False) -> object:
    """A CSV cell that no spreadsheet evaluates: text starting with ``= + - @ \\t \\r`` gets a leading ``'``.

    Example:
        >>> csv_cell("=HYPERLINK(\\"http://x.example\\",\\"bấm\\") tổng hợp")
        '\\'=HYPERLINK("http://x.example","bấm") tổng hợp'
    """
    if raw or not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    return "'" + value


# -- CSV ----------------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "task_id", "doc_id", "file", "doc_type", "number", "issue_date", "issuer", "source", "annex", "section",
    "section_title", "stt", "text", "lead", "lead_raw", "co", "co_raw", "output", "deadline_raw",
    "deadline_kind", "deadline_due", "deadline_recurrence", "deadline_condition", "pages", "method", "confidence",
]  # fmt: skip
BOM = "\ufeff"


def csv_header(lang: str = DEFAULT_LANG) -> list[str]:
    """Column names: Vietnamese labels, or the machine names (``task_id``…) for ``lang="en"``."""
    return list(CSV_COLUMNS) if lang == "en" else [label(f"field.{c}", lang) for c in CSV_COLUMNS]


def csv_row(rec: dict[str, Any], lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """Flatten a contract record: lists joined with "; ", the document's identity inlined.

    Keyed by ``CSV_COLUMNS``; with ``lang="vi"`` the coded values (deadline kind, recurrence, source,
    reading method) are given in Vietnamese words, with ``"en"`` as the contract's codes.
    """
    doc, dl = rec["document"], rec["deadline"]

    def coded(prefix: str, value: str | None) -> str | None:
        return value if lang == "en" or value is None else value_label(prefix, value, lang)

    return {
        "task_id": rec["task_id"],
        "doc_id": doc["doc_id"],
        "file": doc["file"],
        "doc_type": doc["doc_type"],
        "number": doc["number"],
        "issue_date": doc["issue_date"],
        "issuer": doc["issuer"],
        "source": coded("source", rec["source"]),
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
        "deadline_kind": coded("kind", dl["kind"]),
        "deadline_due": dl["due"],
        "deadline_recurrence": coded("recurrence", dl["recurrence"]),
        "deadline_condition": dl["condition"],
        "pages": ",".join(str(p) for p in rec["pages"]),
        "method": coded("method", rec["method"]),
        "confidence": rec["confidence"],
    }


def write_csv(
    out: TextIO,
    records: Iterable[dict[str, Any]],
    *,
    lang: str = DEFAULT_LANG,
    bom: bool = True,
    raw: bool = False,
) -> None:
    """One row per task, written as it comes. ``bom``: start with U+FEFF so Excel reads UTF-8; ``raw``: no
    ``'`` before cells that start like a formula (see ``csv_cell``)."""
    out.write(BOM if bom else "")
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a CR or LF inside a cell gets it quoted
    writer.writerow(csv_header(lang))
    for rec in records:
        row = csv_row(rec, lang)
        writer.writerow([csv_cell(row[c], raw=raw) for c in CSV_COLUMNS])


def to_csv(
    records: Iterable[dict[str, Any]], *, lang: str = DEFAULT_LANG, bom: bool = True, raw: bool = False
) -> str:
    buf = io.StringIO()
    write_csv(buf, records, lang=lang, bom=bom, raw=raw)
    return buf.getvalue()


DocTasks = Iterable[tuple[Document, Iterable[Task]]]



def write_export(
    fmt: str, out: BinaryIO, docs: DocTasks, *, lang: str = DEFAULT_LANG, bom: bool = True, raw: bool = False
) -> None:
    """Write an export file to ``out`` as the tasks are read: ``json`` (the contract; ``lang``, ``bom``,
    ``raw`` do not apply), ``csv`` (``lang``, ``bom``, ``raw``) or ``xlsx`` (``lang``). ``docs``: each
    document with its tasks, in order, consumed once.

    Raises:
        ValueError: an unknown format (nothing written then).
    """
    if fmt == "xlsx":
        from store.xlsx import write_tasks_xlsx

        write_tasks_xlsx(out, docs, lang=lang)
        return
    if fmt not in ("json", "csv"):
        raise ValueError(f"unknown export format {fmt!r}: use json, csv or xlsx")
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    records = (task_record(t, record) for doc, ts in docs for record in [document_record(doc)] for t in ts)
    try:
        if fmt == "json":
            write_json(text, records)
        else:
            write_csv(text, records, lang=lang, bom=bom, raw=raw)
        text.flush()
    finally:
        text.detach()  # ``out`` stays open: it is the caller's


def render_export(
    fmt: str,
    docs: list[Document],
    tasks: list[Task],
    *,
    lang: str = DEFAULT_LANG,
    bom: bool = True,
    raw: bool = False,
) -> bytes:
    """``write_export`` into bytes, for documents and tasks already in memory (``tasks`` in document order)."""
    grouped: dict[str, list[Task]] = {}
    for t in tasks:
        grouped.setdefault(t.doc_id, []).append(t)
    buf = io.BytesIO()
    write_export(fmt, buf, ((d, grouped.get(d.doc_id, [])) for d in docs), lang=lang, bom=bom, raw=raw)
    return buf.getvalue()
