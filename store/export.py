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
- The XLSX has a combined sheet "Tất cả nhiệm vụ" (autofilter) and one sheet per document named by its
  number; every sheet has a frozen header, real date cells shown dd/mm/yyyy, wrapped text, set column
  widths and prints on A4 landscape, fitted to the page width, with the header row on every page.
  ``workbook_bytes`` is the one XLSX writer: the diff's workbook (``ingest/diff_cmd.py``) uses it too.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.document import Document
from models.labels import DEFAULT_LANG, label, value_label
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
        # issue 13: the logical document and every file of it (its doc_id is the stored rendition's)
        "logical_id": doc.logical_id or doc.doc_id,
        "renditions": [
            {"doc_id": r.doc_id, "file": r.file, "method": r.method, "received": r.received}
            for r in doc.renditions
        ],
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
        "status": task.status,
        "pages": list(task.pages),
        "method": task.method,
        "confidence": round(task.confidence, 4),
        "corrected": list(task.corrected),
        "superseded_by": task.superseded_by,
    }


def to_json(records: Iterable[dict[str, Any]]) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"


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


def xlsx_text(value: str) -> str:
    """Text an XLSX cell can hold: control characters XML 1.0 forbids are dropped (tab, CR, LF kept)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


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


def to_csv(
    records: Iterable[dict[str, Any]], *, lang: str = DEFAULT_LANG, bom: bool = True, raw: bool = False
) -> str:
    """One row per task. ``bom``: start with U+FEFF so Excel reads UTF-8; ``raw``: no ``'`` before cells
    that start like a formula (see ``csv_cell``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180; a CR or LF inside a cell gets it quoted
    writer.writerow(csv_header(lang))
    for rec in records:
        row = csv_row(rec, lang)
        writer.writerow([csv_cell(row[c], raw=raw) for c in CSV_COLUMNS])
    return (BOM if bom else "") + buf.getvalue()


# -- XLSX: the one writer -----------------------------------------------------------------------------

ColumnKind = Literal["text", "date", "number", "center"]
Cell = str | int | float | date | None


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header (already in the sheet's language), width in characters, kind."""

    header: str
    width: float
    kind: ColumnKind = "text"


@dataclass
class Sheet:
    """A table to write as one worksheet.

    ``headings`` are indexes (into ``rows``) of section rows shown in bold across the sheet; ``fill`` is an
    RGB colour for every data row; ``title`` is printed at the top left of every page.
    """

    name: str
    columns: Sequence[Column]
    rows: list[list[Cell]]
    headings: set[int] = field(default_factory=set)
    autofilter: bool = False
    fill: str | None = None
    title: str | None = None


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
_HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="top")
_DATE_FORMAT = {"vi": "DD/MM/YYYY", "en": "YYYY-MM-DD"}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2  # Excel counts a sheet name's length in UTF-16 units


def _cut(text: str, limit: int) -> str:
    while _utf16_len(text) > limit:
        text = text[:-1]
    return text.rstrip()


def sheet_name(base: str, used: set[str], *, alternatives: Sequence[str] = (), fallback: str = "-") -> str:
    """A worksheet name Excel accepts: none of ``[]:*?/\\``, at most 31 characters, no leading or trailing
    apostrophe, not "History", and unique among ``used`` ignoring case (Excel's rule). A clash first tries
    ``base (alternative)``, then ``base (2)``, ``base (3)``…; the name is added to ``used`` (folded).

    Example:
        >>> sheet_name("15/KH-BCĐ", set())
        '15-KH-BCĐ'
    """
    clean = _SHEET_FORBIDDEN.sub("-", base.replace("/", "-").replace("\\", "-"))
    clean = re.sub(r"-{2,}", "-", re.sub(r"\s+", " ", clean)).strip(" -'") or fallback
    if clean.casefold() == "history":
        clean += " (1)"
    suffixes = [f" ({a})" for a in alternatives if a] + [f" ({n})" for n in range(2, 10_000)]
    candidate = clean
    for suffix in ["", *suffixes]:
        candidate = _cut(clean, 31 - _utf16_len(suffix)).rstrip(" -'") + suffix
        if candidate.casefold() not in used:
            break
    used.add(candidate.casefold())
    return candidate


def _header_footer_text(text: str) -> str:
    """Text for a printed page header: ``&`` starts a code there, so it is doubled; at most 200 chars."""
    return xlsx_text(text).replace("&", "&&").replace("\n", " ")[:200]


def _put(ws: Worksheet, row: int, col: int, value: Cell, kind: ColumnKind, lang: str) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        text = xlsx_text(value)
        cell.value = text
        cell.data_type = "s"  # never "f": openpyxl would write "=…" as a formula
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    else:
        cell.value = value
        if isinstance(value, date):
            cell.number_format = _DATE_FORMAT.get(lang, _DATE_FORMAT["vi"])
    cell.alignment = _CENTER if kind in ("center", "date") else _WRAP


_LINE_PT = 15.0  # one line of the default 11 pt font


def _lines(value: Cell, width: float, *, bold: bool = False) -> int:
    """How many lines a wrapped cell takes in a column ``width`` characters wide (a generous estimate)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1.0, width * (0.85 if bold else 0.95) - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))


def _write_sheet(wb: Workbook, sheet: Sheet, lang: str) -> Worksheet:
    ws = wb.create_sheet(sheet.name)
    ncols = len(sheet.columns)
    for j, col in enumerate(sheet.columns, start=1):
        _put(ws, 1, j, col.header, "text", lang)
        cell = ws.cell(row=1, column=j)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
        ws.column_dimensions[get_column_letter(j)].width = col.width
    # Row heights are written out: LibreOffice does not re-fit wrapped rows of a file it opens, and a row
    # one line high would print its task as overlapping lines.
    ws.row_dimensions[1].height = _LINE_PT * max(_lines(c.header, c.width, bold=True) for c in sheet.columns)
    fill = PatternFill("solid", fgColor=sheet.fill) if sheet.fill else None
    bold = Font(bold=True)
    for i, values in enumerate(sheet.rows):
        r = i + 2
        heading = i in sheet.headings
        lines = 1
        for j, col in enumerate(sheet.columns, start=1):
            value = values[j - 1] if j - 1 < len(values) else None
            _put(ws, r, j, value, "text" if heading else col.kind, lang)
            lines = max(lines, _lines(value, col.width, bold=heading))
            cell = ws.cell(row=r, column=j)
            if heading:
                cell.font = bold
            elif fill is not None:
                cell.fill = fill
        ws.row_dimensions[r].height = _LINE_PT * lines
    last = get_column_letter(ncols)
    ws.freeze_panes = "A2"
    if sheet.autofilter:
        ws.auto_filter.ref = f"A1:{last}{max(1, len(sheet.rows) + 1)}"
    # print: A4 landscape, every column on the page's width, the header row on every page
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if sheet.title:
        ws.oddHeader.left.text = _header_footer_text(sheet.title)
        ws.evenHeader.left.text = ws.oddHeader.left.text
    ws.oddFooter.right.text = label("xlsx.page_of", lang)
    ws.evenFooter.right.text = ws.oddFooter.right.text
    return ws


def workbook_bytes(sheets: Sequence[Sheet], lang: str = DEFAULT_LANG) -> bytes:
    """Write ``sheets`` (in order; the first one is shown on opening) as an XLSX file."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        _write_sheet(wb, sheet, lang)
    if not wb.sheetnames:
        _write_sheet(wb, Sheet(label("xlsx.empty", lang), [Column("", 20)], []), lang)
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _names(refs: list[AgencyRef]) -> str:
    return "; ".join(a.name for a in refs)


def doc_label(doc: Document) -> str:
    """How a document is named in a cell: its number as printed, else its file name."""
    return doc.meta.number or doc.file


def doc_title(doc: Document, lang: str = DEFAULT_LANG) -> str:
    """ "KẾ HOẠCH 15/KH-BCĐ, 30/01/2026 — kh15_plan.pdf": a document's identity in one line."""
    m = doc.meta
    when = m.issue_date.strftime("%d/%m/%Y") if m.issue_date else (m.issue_month or "")
    head = " ".join(x for x in (m.doc_type, m.number or label("xlsx.no_number", lang)) if x)
    return f"{head}{', ' + when if when else ''} — {doc.file}"


def _doc_sheet_base(doc: Document, lang: str) -> str:
    m = doc.meta
    if m.number:
        return m.number
    when = m.issue_date.strftime("%d.%m.%Y") if m.issue_date else (m.issue_month or "")
    kind = (m.doc_type or "").capitalize()
    return " ".join(x for x in (kind, label("xlsx.no_number", lang), when) if x)


def _issued(doc: Document, lang: str) -> Cell:
    """The issue date as a date cell; "06/2026" when only the month is printed (a letter left undated)."""
    m = doc.meta
    if m.issue_date or not m.issue_month:
        return m.issue_date
    year, _, month = m.issue_month.partition("-")
    return m.issue_month if lang == "en" else f"{month}/{year}"


def _file_kind(doc: Document) -> str:
    return doc.file.rpartition(".")[2].lower() if "." in doc.file else ""


def _col(key: str, width: float, kind: ColumnKind, lang: str) -> Column:
    return Column(label(f"field.{key}", lang), width, kind)


def xlsx_header(lang: str = DEFAULT_LANG) -> list[str]:
    """Headers of a document's sheet (annex layout)."""
    return [c.header for c in _doc_columns(lang)]


def _doc_columns(lang: str) -> list[Column]:
    spec: list[tuple[str, float, ColumnKind]] = [
        ("stt", 6, "center"), ("text", 55, "text"), ("lead", 24, "text"), ("co", 24, "text"),
        ("output", 26, "text"), ("deadline_raw", 20, "text"), ("deadline_due", 11, "date"),
        ("deadline_kind", 11, "center"), ("annex", 7, "center"), ("section", 6, "center"), ("pages", 7, "center"),
        ("doc", 14, "text"), ("task_id", 17, "text"),
    ]  # fmt: skip
    return [_col(k, w, kind, lang) for k, w, kind in spec]


def _all_columns(lang: str) -> list[Column]:
    spec: list[tuple[str, float, ColumnKind]] = [
        ("doc", 14, "text"), ("issue_date", 11, "date"), ("annex", 7, "center"), ("section", 6, "center"),
        ("stt", 6, "center"), ("text", 55, "text"), ("lead", 24, "text"), ("co", 24, "text"),
        ("output", 26, "text"), ("deadline_raw", 20, "text"), ("deadline_due", 11, "date"),
        ("deadline_kind", 11, "center"), ("pages", 7, "center"), ("task_id", 17, "text"),
    ]  # fmt: skip
    return [_col(k, w, kind, lang) for k, w, kind in spec]


XLSX_HEADER = xlsx_header("vi")
ALL_TASKS_HEADER = [c.header for c in _all_columns("vi")]


def to_xlsx(docs: list[Document], tasks_by_doc: dict[str, list[Task]], *, lang: str = DEFAULT_LANG) -> bytes:
    """The clerk's workbook: "Tất cả nhiệm vụ" (every task, autofilter), then one sheet per document in
    annex layout (section rows in bold, then its tasks), named by the document's number."""
    used = {label("xlsx.all_tasks", lang).casefold()}
    all_rows: list[list[Cell]] = []
    doc_sheets: list[Sheet] = []
    for doc in docs:
        name = sheet_name(
            _doc_sheet_base(doc, lang),
            used,
            alternatives=[_file_kind(doc)],
            fallback=label("xlsx.no_number", lang),
        )
        rows: list[list[Cell]] = []
        headings: set[int] = set()
        last_heading: tuple[str | None, str | None] | None = None
        for t in tasks_by_doc.get(doc.doc_id, []):
            kind = value_label("kind", t.deadline.kind, lang)
            pages = ",".join(map(str, t.pages))
            heading = (t.annex, t.section)
            if heading != last_heading and (t.section or t.annex):
                annex = f"{label('field.annex', lang)} {t.annex}" if t.annex else None
                headings.add(len(rows))
                rows.append([" ".join(x for x in (annex, t.section) if x), t.section_title or ""])
                last_heading = heading
            rows.append([t.stt, t.text, _names(t.lead), _names(t.co), t.output, t.deadline.raw, t.deadline.due,
                         kind, t.annex, t.section, pages, doc_label(doc), t.task_id])  # fmt: skip
            all_rows.append([doc_label(doc), _issued(doc, lang), t.annex, t.section, t.stt, t.text,
                             _names(t.lead), _names(t.co), t.output, t.deadline.raw, t.deadline.due, kind, pages,
                             t.task_id])  # fmt: skip
        doc_sheets.append(Sheet(name, _doc_columns(lang), rows, headings, title=doc_title(doc, lang)))
    combined = Sheet(label("xlsx.all_tasks", lang), _all_columns(lang), all_rows, autofilter=True,
                     title=label("xlsx.all_tasks", lang))  # fmt: skip
    return workbook_bytes([combined, *doc_sheets], lang)


def render_export(
    fmt: str,
    docs: list[Document],
    tasks: list[Task],
    *,
    lang: str = DEFAULT_LANG,
    bom: bool = True,
    raw: bool = False,
) -> bytes:
    """The bytes of an export file: ``json`` (the contract; ``lang``, ``bom``, ``raw`` do not apply),
    ``csv`` (``lang``, ``bom``, ``raw``) or ``xlsx`` (``lang``). ``tasks`` in document order.

    Raises:
        ValueError: an unknown format.
    """
    by_id = {d.doc_id: d for d in docs}
    if fmt == "xlsx":
        grouped: dict[str, list[Task]] = {}
        for t in tasks:
            grouped.setdefault(t.doc_id, []).append(t)
        return to_xlsx(docs, grouped, lang=lang)
    records = [task_record(t, by_id[t.doc_id]) for t in tasks]
    if fmt == "json":
        return to_json(records).encode("utf-8")
    if fmt == "csv":
        return to_csv(records, lang=lang, bom=bom, raw=raw).encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}: use json, csv or xlsx")
