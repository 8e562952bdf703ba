"""``theodoi diff A B``: find (or ingest) the two documents, diff their tasks, write the result.

A and B are each a document number ("15/KH-BCĐ", also as "15-KH/BCD"), a doc-id prefix, a registered
file name, or the path of a file, which is ingested on the spot when the registry does not hold it yet.
Outputs: the terminal (rich), JSON for tools, an HTML page (``ingest.report.render_diff_html``) and XLSX.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from rich.console import Console
from rich.table import Table
from rich.text import Text

from models.diff import (
    DiffSettings,
    TaskChange,
    TaskDiff,
    diff_record,
    diff_tasks,
    key_label,
    normalise_doc_number,
)
from models.document import Document
from models.errors import BadArgsError
from models.export import document_record
from models.registry import Registry, TaskFilter
from models.settings import IngestSettings
from models.task import Task

KeyMode = Literal["auto", "yes", "no"]


@dataclass(frozen=True)
class Side:
    """One side of a diff: the registered document and its tasks in document order."""

    document: Document
    tasks: list[Task]
    ingested_now: bool = False


@dataclass(frozen=True)
class DiffResult:
    a: Side
    b: Side
    diff: TaskDiff


def find_by_number(reg: Registry, ref: str) -> list[Document]:
    """Documents whose number, file name or doc-id prefix matches; numbers compared normalised."""
    found = reg.find_documents(ref)
    if found:
        return found
    key = normalise_doc_number(ref)
    if not key:
        return []
    return [d for d in reg.documents() if normalise_doc_number(d.meta.number) == key]


def resolve_side(reg: Registry, ref: str, settings: IngestSettings | None = None) -> Side:
    """A reference to a registered document; a file path not yet registered is ingested first.

    Raises:
        BadArgsError: nothing matches, or several documents do (the message lists them).
        InputFileError: a path was given and the file cannot be parsed.
    """
    path = Path(ref)
    ingested_now = False
    if path.is_file():
        from ingest.pipeline import run_file, sha256_hex  # deferred: parsers load only when needed

        doc_id = sha256_hex(path.read_bytes())
        if not reg.has_document(doc_id):
            run_file(path, settings or IngestSettings(), reg)
            ingested_now = True
        doc = reg.document(doc_id)
        matches = [doc] if doc else []
    else:
        matches = find_by_number(reg, ref)
    if not matches:
        raise BadArgsError(
            f"no registered document matches {ref!r}; give a file path or see `theodoi documents`"
        )
    if len(matches) > 1:
        listed = ", ".join(f"{d.doc_id[:12]} ({d.file})" for d in matches)
        raise BadArgsError(
            f"{ref!r} matches {len(matches)} documents: {listed}; give a doc-id prefix instead"
        )
    doc = matches[0]
    return Side(doc, reg.tasks(TaskFilter(doc_ids=[doc.doc_id])), ingested_now)


def cites(later: Document, earlier: Document) -> bool:
    """True when ``later`` names ``earlier``'s number among its references (numbers normalised)."""
    key = normalise_doc_number(earlier.meta.number)
    return bool(key) and any(normalise_doc_number(r.number) == key for r in later.meta.references)


def revises(a: Document, b: Document) -> bool:
    """B is a revision of A, so annex/section/STT identify tasks: B cites A, or both carry one number."""
    same_number = bool(a.meta.number) and normalise_doc_number(a.meta.number) == normalise_doc_number(
        b.meta.number
    )
    return cites(b, a) or same_number


def run_diff(
    reg: Registry,
    a_ref: str,
    b_ref: str,
    *,
    by_key: KeyMode = "auto",
    settings: DiffSettings | None = None,
    ingest_settings: IngestSettings | None = None,
) -> DiffResult:
    """Resolve A and B and diff their tasks; ``by_key="auto"`` uses keys when B revises A."""
    a = resolve_side(reg, a_ref, ingest_settings)
    b = resolve_side(reg, b_ref, ingest_settings)
    use_keys = {"yes": True, "no": False}.get(by_key, revises(a.document, b.document))
    return DiffResult(a, b, diff_tasks(a.tasks, b.tasks, settings or DiffSettings(), by_key=use_keys))


# -- outputs -----------------------------------------------------------------------------------------


def result_record(r: DiffResult) -> dict[str, object]:
    """JSON for tools: both documents' identity (contract shape) plus ``models.diff.diff_record``."""
    return {"a": document_record(r.a.document), "b": document_record(r.b.document), **diff_record(r.diff)}


def to_json(r: DiffResult) -> str:
    return json.dumps(result_record(r), ensure_ascii=False, indent=2) + "\n"


def doc_label(d: Document) -> str:
    return d.meta.number or d.file


def deadline_phrase(c: TaskChange) -> str:
    """ "Quý I năm 2026 → Quý II năm 2026 (+91 ngày)"; "" when the deadline did not change."""
    dl = c.deadline
    if dl is None:
        return ""
    shift = f" ({dl.days:+d} ngày)" if dl.days is not None else ""
    return f"{dl.before.raw or '—'} → {dl.after.raw or '—'}{shift}"


def agency_phrase(c: TaskChange) -> str:
    parts = []
    for role, change in (("chủ trì", c.lead), ("phối hợp", c.co)):
        if change is None:
            continue
        parts += [f"{role} +{name}" for name in change.added] + [f"{role} −{name}" for name in change.removed]
    return "; ".join(parts)


def _word_text(c: TaskChange, colour: bool) -> Text:
    """B's text with A's dropped words struck out (red) and the new ones in green; without colour
    (a file, a pipe) the wdiff convention: "[-khẩn trương-] {+tiếp tục+}"."""
    text = Text()
    for op in c.text_ops:
        if colour:
            text.append(op.text + " ", style={"delete": "red strike", "insert": "bold green"}.get(op.op, ""))
        else:
            text.append({"delete": "[-{}-] ", "insert": "{{+{}+}} "}.get(op.op, "{} ").format(op.text))
    return text


def render_terminal(r: DiffResult, console: Console) -> None:
    """Summary line, then the added, removed and changed tasks as rich tables."""
    d = r.diff
    n = d.counts
    console.print(
        f"[bold]{doc_label(r.a.document)}[/bold] → [bold]{doc_label(r.b.document)}[/bold]: "
        f"[green]{n['added']} thêm[/green], [red]{n['removed']} bỏ[/red], [yellow]{n['changed']} thay đổi[/yellow], "
        f"{n['unchanged']} giữ nguyên ({n['renumbered']} đổi số thứ tự); "
        f"ghép theo {'vị trí + nội dung' if d.by_key else 'nội dung'}"
    )
    for title, tasks, style in (
        ("Nhiệm vụ thêm mới", d.added, "green"),
        ("Nhiệm vụ bị bỏ", d.removed, "red"),
    ):
        if not tasks:
            continue
        table = Table("vị trí", "nhiệm vụ", "chủ trì", "thời hạn", title=title, title_style=style)
        for t in tasks:
            table.add_row(key_label(t), t.text, "; ".join(a.name for a in t.lead), t.deadline.raw or "")
        console.print(table)
    if d.changed:
        table = Table(
            "A → B", "thay đổi", "nhiệm vụ (từ bỏ/thêm)", "cơ quan", "thời hạn", title="Nhiệm vụ thay đổi"
        )
        for c in d.changed:
            where = key_label(c.a) + (f" → {key_label(c.b)}" if c.renumbered else "")
            body = _word_text(c, console.color_system is not None) if c.text_ops else Text(c.b.text[:160])
            if c.output_changed:
                body.append(f"\nkết quả: {c.output_before or '—'} → {c.output_after or '—'}", style="yellow")
            table.add_row(where, ", ".join(c.changes), body, agency_phrase(c), deadline_phrase(c))
        console.print(table)


_HEAD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_FILL = {"added": "E2F0D9", "removed": "F8D7DA", "changed": "FFF3CD"}


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[object]], widths: list[int]) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = _HEAD
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.alignment = _WRAP
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def to_xlsx(r: DiffResult) -> bytes:
    """Sheets: Tóm tắt (counts), Thay đổi (one row per changed task), Thêm mới, Bị bỏ."""
    d = r.diff
    wb = Workbook()
    summary = wb.active
    summary.title = "Tóm tắt"
    summary.append(["Văn bản A", doc_label(r.a.document), r.a.document.file])
    summary.append(["Văn bản B", doc_label(r.b.document), r.b.document.file])
    for name, value in d.counts.items():
        summary.append([name, value])
    summary.column_dimensions["A"].width, summary.column_dimensions["B"].width = 18, 24
    changed_rows: list[list[object]] = []
    for c in d.changed:
        deleted = " | ".join(h.deleted for h in c.text_hunks if h.deleted)
        inserted = " | ".join(h.inserted for h in c.text_hunks if h.inserted)
        output = f"{c.output_before or ''} → {c.output_after or ''}" if c.output_changed else ""
        days = c.deadline.days if c.deadline else None
        changed_rows.append([key_label(c.a), key_label(c.b), ", ".join(c.changes), c.a.text, c.b.text, deleted,
                             inserted, agency_phrase(c), output, deadline_phrase(c), days])  # fmt: skip
    _sheet(wb, "Thay đổi",
           ["Vị trí A", "Vị trí B", "Thay đổi", "Nhiệm vụ (A)", "Nhiệm vụ (B)", "Từ bị bỏ", "Từ thêm", "Cơ quan",
            "Kết quả", "Thời hạn", "Số ngày"], changed_rows, [12, 12, 16, 50, 50, 24, 24, 30, 30, 30, 8])  # fmt: skip
    for title, tasks, kind in (("Thêm mới", d.added, "added"), ("Bị bỏ", d.removed, "removed")):
        rows: list[list[object]] = [
            [key_label(t), t.text, "; ".join(a.name for a in t.lead), "; ".join(a.name for a in t.co), t.output,
             t.deadline.raw, t.deadline.due, ",".join(map(str, t.pages))]
            for t in tasks
        ]  # fmt: skip
        _sheet(wb, title, ["Vị trí", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Kết quả", "Thời hạn", "Hạn", "Trang"],
               rows, [12, 60, 28, 28, 30, 22, 12, 8])  # fmt: skip
        fill = PatternFill("solid", fgColor=_FILL[kind])
        for row in wb[title].iter_rows(min_row=2):
            for cell in row:
                cell.fill = fill
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


DiffFormat = Literal["terminal", "json", "html", "xlsx"]


def write_diff(r: DiffResult, fmt: DiffFormat, output: Path | None, console: Console) -> Path | None:
    """Write the diff in ``fmt`` to ``output`` (stdout for terminal/json when None); returns the file."""
    if fmt == "terminal":
        if output is None:
            render_terminal(r, console)
            return None
        with output.open("w", encoding="utf-8") as fh:
            render_terminal(r, Console(file=fh, width=160, color_system=None))
        return output
    if fmt == "json":
        data = to_json(r).encode("utf-8")
    elif fmt == "html":
        from ingest.report import render_diff_html

        data = render_diff_html(r).encode("utf-8")
    elif fmt == "xlsx":
        data = to_xlsx(r)
    else:
        raise BadArgsError(f"unknown diff format {fmt!r}: use terminal, json, html or xlsx")
    if output is None:
        if fmt != "json":
            raise BadArgsError(f"--format {fmt} needs -o FILE")
        console.file.write(data.decode("utf-8"))
        return None
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    return output
