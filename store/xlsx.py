"""The clerk's XLSX, and the one XLSX writer (the diff's workbook, ``ingest/diff_cmd.py``, uses it too).

The task workbook has a combined sheet "Tất cả nhiệm vụ" (autofilter) and one sheet per document named by
its number; every sheet has a frozen header, real date cells shown dd/mm/yyyy, wrapped text, set column
widths and prints on A4 landscape, fitted to the page width, with the header row on every page. No cell a
document supplies is ever a formula: cells are written as strings (type ``s``, never ``f``; cells that look
like formulas also carry Excel's quote prefix, so editing one keeps it text).

Written in openpyxl's write-only mode, a row at a time: memory stays flat whatever the number of tasks.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from models.document import Document
from models.labels import DEFAULT_LANG, label, value_label
from models.task import AgencyRef, Task
from store.export import FORMULA_START, DocTasks


def xlsx_text(value: str) -> str:
    """Text an XLSX cell can hold: control characters XML 1.0 forbids are dropped (tab, CR, LF kept)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


# -- XLSX: the one writer -----------------------------------------------------------------------------

ColumnKind = Literal["text", "date", "number", "center"]
Cell = str | int | float | date | None


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header (already in the sheet's language), width in characters, kind."""

    header: str
    width: float
    kind: ColumnKind = "text"


class Heading(list):  # type: ignore[type-arg]
    """A section row of a sheet ("Phụ lục I II"): bold across the sheet, no fill, no column kinds."""


@dataclass
class Sheet:
    """A table to write as one worksheet.

    ``rows`` may be any iterable (a generator reading the registry): the writer consumes it once, row by
    row; a ``Heading`` row is shown in bold. ``fill`` is an RGB colour for every data row; ``title`` is
    printed at the top left of every page.
    """

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Cell]]
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


def _cell(ws: WriteOnlyWorksheet, value: Cell, kind: ColumnKind, lang: str) -> WriteOnlyCell:
    if isinstance(value, str):
        text = xlsx_text(value)
        cell = WriteOnlyCell(ws, text)
        cell.data_type = "s"  # never "f": openpyxl would write "=…" as a formula
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    else:
        cell = WriteOnlyCell(ws, value)
        if isinstance(value, date):
            cell.number_format = _DATE_FORMAT.get(lang, _DATE_FORMAT["vi"])
    cell.alignment = _CENTER if kind in ("center", "date") else _WRAP
    return cell


_LINE_PT = 15.0  # one line of the default 11 pt font


def _lines(value: Cell, width: float, *, bold: bool = False) -> int:
    """How many lines a wrapped cell takes in a column ``width`` characters wide (a generous estimate)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1.0, width * (0.85 if bold else 0.95) - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))


class _SheetWriter:
    """One worksheet of a write-only workbook, filled a row at a time (openpyxl keeps no cell in memory)."""

    def __init__(self, wb: Workbook, sheet: Sheet, lang: str) -> None:
        self.ws, self.sheet, self.lang, self.row = wb.create_sheet(sheet.name), sheet, lang, 1
        self.fill = PatternFill("solid", fgColor=sheet.fill) if sheet.fill else None
        ws = self.ws
        for j, col in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(j)].width = col.width
        ws.freeze_panes = "A2"
        _page_setup(ws, sheet, lang)
        header = []
        for col in sheet.columns:
            cell = _cell(ws, col.header, "text", lang)
            cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
            header.append(cell)
        self._append(header, max(_lines(c.header, c.width, bold=True) for c in sheet.columns))

    def _append(self, cells: list[WriteOnlyCell], lines: int) -> None:
        # Row heights are written out: LibreOffice does not re-fit wrapped rows of a file it opens, and a
        # row one line high would print its task as overlapping lines. Set just before the row is written
        # and dropped after, so the dimensions do not pile up in memory.
        self.ws.row_dimensions[self.row].height = _LINE_PT * lines
        self.ws.append(cells)
        del self.ws.row_dimensions[self.row]
        self.row += 1

    def add(self, values: Sequence[Cell]) -> None:
        heading = isinstance(values, Heading)
        cells, lines = [], 1
        for j, col in enumerate(self.sheet.columns):
            value = values[j] if j < len(values) else None
            cell = _cell(self.ws, value, "text" if heading else col.kind, self.lang)
            lines = max(lines, _lines(value, col.width, bold=heading))
            if heading:
                cell.font = _HEADER_FONT
            elif self.fill is not None:
                cell.fill = self.fill
            cells.append(cell)
        self._append(cells, lines)

    def close(self) -> None:
        if self.sheet.autofilter:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.sheet.columns))}{max(1, self.row - 1)}"
        self.ws.close()  # its temporary file is complete and closed: thousands of sheets hold no file open


def _page_setup(ws: WriteOnlyWorksheet, sheet: Sheet, lang: str) -> None:
    """Print: A4 landscape, every column on the page's width, the header row on every page."""
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
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


def write_workbook(out: BinaryIO, sheets: Iterable[Sheet], lang: str = DEFAULT_LANG) -> None:
    """Write ``sheets`` (in order; the first one is shown on opening) as an XLSX file to ``out``: the one
    XLSX writer, in openpyxl's write-only mode, each sheet's rows consumed as they come."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        writer = _SheetWriter(wb, sheet, lang)
        for values in sheet.rows:
            writer.add(values)
        writer.close()
    if not wb.sheetnames:
        _SheetWriter(wb, Sheet(label("xlsx.empty", lang), [Column("", 20)], []), lang).close()
    wb.save(out)


def workbook_bytes(sheets: Sequence[Sheet], lang: str = DEFAULT_LANG) -> bytes:
    buf = io.BytesIO()
    write_workbook(buf, sheets, lang)
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




def write_tasks_xlsx(out: BinaryIO, docs: DocTasks, *, lang: str = DEFAULT_LANG) -> None:
    """The clerk's workbook: "Tất cả nhiệm vụ" (every task, autofilter), then one sheet per document in
    annex layout (section rows in bold, then its tasks), named by the document's number.

    One pass over ``docs`` (each document with its tasks, in order): a task goes to the combined sheet and
    to its document's sheet as it is read, and a document's sheet is closed before the next one opens.
    """
    everything = label("xlsx.all_tasks", lang)
    used = {everything.casefold()}
    wb = Workbook(write_only=True)
    combined = _SheetWriter(
        wb, Sheet(everything, _all_columns(lang), [], autofilter=True, title=everything), lang
    )
    for doc, doc_tasks in docs:
        name = sheet_name(_doc_sheet_base(doc, lang), used, alternatives=[_file_kind(doc)],
                          fallback=label("xlsx.no_number", lang))  # fmt: skip
        sheet = _SheetWriter(wb, Sheet(name, _doc_columns(lang), [], title=doc_title(doc, lang)), lang)
        last_heading: tuple[str | None, str | None] | None = None
        for t in doc_tasks:
            kind = value_label("kind", t.deadline.kind, lang)
            pages = ",".join(map(str, t.pages))
            heading = (t.annex, t.section)
            if heading != last_heading and (t.section or t.annex):
                annex = f"{label('field.annex', lang)} {t.annex}" if t.annex else None
                sheet.add(Heading([" ".join(x for x in (annex, t.section) if x), t.section_title or ""]))
                last_heading = heading
            sheet.add([t.stt, t.text, _names(t.lead), _names(t.co), t.output, t.deadline.raw, t.deadline.due,
                       kind, t.annex, t.section, pages, doc_label(doc), t.task_id])  # fmt: skip
            combined.add([doc_label(doc), _issued(doc, lang), t.annex, t.section, t.stt, t.text, _names(t.lead),
                          _names(t.co), t.output, t.deadline.raw, t.deadline.due, kind, pages, t.task_id])  # fmt: skip
        sheet.close()
    combined.close()
    wb.save(out)


def to_xlsx(docs: list[Document], tasks_by_doc: dict[str, list[Task]], *, lang: str = DEFAULT_LANG) -> bytes:
    buf = io.BytesIO()
    write_tasks_xlsx(buf, ((d, tasks_by_doc.get(d.doc_id, [])) for d in docs), lang=lang)
    return buf.getvalue()
