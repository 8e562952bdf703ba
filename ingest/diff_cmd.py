"""``theodoi diff A B``: find (or ingest) the two documents, diff their tasks, write the result.

A and B are each a document number ("15/KH-BCĐ", also as "15-KH/BCD"), a doc-id prefix, a registered
file name, or the path of a file, which is ingested on the spot when the registry does not hold it yet.
Outputs: the terminal (rich), JSON for tools, an HTML page (``ingest.report.render_diff_html``) and XLSX.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ingest.diff_result import DiffFormat, DiffResult, KeyMode, Side, doc_label
from models.diff import (
    DiffSettings,
    TaskChange,
    diff_record,
    diff_tasks,
    key_label,
    normalise_doc_number,
)
from models.document import Document
from models.errors import BadArgsError
from models.labels import DEFAULT_LANG, label
from models.settings import IngestSettings
from store.export import document_record
from store.registry import Registry, TaskFilter
from store.xlsx import Cell, Column, ColumnKind, Sheet, workbook_bytes


def resolve_side(reg: Registry, ref: str, settings: IngestSettings | None = None) -> Side:
    """A reference to a registered document; a file path not yet registered is ingested first.

    Raises:
        BadArgsError: nothing matches, or several documents do (the message lists them).
        InputFileError: a path was given and the file cannot be parsed.
    """
    path = Path(ref)
    ingested_now = False
    if path.is_file():
        from ingest.spine import run_file  # deferred: the spine (and the parsers) load only when needed

        done = run_file(path, settings or IngestSettings(), reg)
        ingested_now = done.status == "ingested"
        found = reg.document(done.doc_id) if done.doc_id else None
        if found is None:
            raise BadArgsError(f"no registered document matches {ref!r}; see `theodoi documents`")
        doc = found
    else:
        from ingest.queries import resolve_document  # the one resolver every command uses

        doc = resolve_document(reg, ref)
    # every task of this version (a diff compares versions, so the superseded ones too)
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
    by_key: KeyMode = KeyMode.auto,
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


def render_terminal(r: DiffResult, console: Console, lang: str = DEFAULT_LANG) -> None:
    """Summary line, then the added, removed, changed and renumbered tasks as rich tables, in ``lang``.

    Document text goes in as ``Text`` (never parsed as rich markup: a task reading "[/]" or
    "[link=…]" is printed as it is); cells wrap, nothing is cut.
    """
    d = r.diff
    n = d.counts
    head = Text()
    head.append(doc_label(r.a.document), style="bold")
    head.append(" → ")
    head.append(doc_label(r.b.document), style="bold")
    head.append(": ")
    head.append(f"{n['added']} {label('diff.added', lang)}", style="green")
    head.append(", ")
    head.append(f"{n['removed']} {label('diff.removed', lang)}", style="red")
    head.append(", ")
    head.append(f"{n['changed']} {label('diff.changed', lang)}", style="yellow")
    head.append(f", {n['unchanged']} {label('diff.unchanged', lang)} ({n['renumbered']} {label('diff.renumbered', lang)}); "
                f"{label('diff.paired_by', lang)} {label('diff.by_key' if d.by_key else 'diff.by_content', lang)}")  # fmt: skip
    console.print(head, soft_wrap=True)

    def table(title: str, style: str, *columns: tuple[str, int | None]) -> Table:
        t = Table(title=Text(title, style=style), box=box.SIMPLE_HEAD)
        for key, ratio in columns:
            t.add_column(Text(label(key, lang), style="bold"), overflow="fold", ratio=ratio)
        return t

    for title, tasks, style in (
        (label("diff.title_added", lang), d.added, "green"),
        (label("diff.title_removed", lang), d.removed, "red"),
    ):
        if not tasks:
            continue
        listed = table(title, style, ("col.position", None), ("col.task", 4), ("col.lead", 2), ("col.deadline", 2))
        for t in tasks:
            listed.add_row(Text(key_label(t)), Text(t.text), Text("; ".join(a.name for a in t.lead)),
                           Text(t.deadline.raw or ""))  # fmt: skip
        console.print(listed)
    if d.changed:
        changed = table(label("diff.title_changed", lang), "yellow", ("col.a_to_b", None), ("col.change", None),
                        ("col.task_words", 4), ("col.agency", 2), ("col.deadline", 2))  # fmt: skip
        for c in d.changed:
            where = key_label(c.a) + (f" → {key_label(c.b)}" if c.renumbered else "")
            body = _word_text(c, console.color_system is not None) if c.text_ops else Text(c.b.text)
            if c.output_changed:
                body.append(f"\n{label('diff.output', lang)}: {c.output_before or '—'} → {c.output_after or '—'}",
                            style="yellow")  # fmt: skip
            what = ", ".join(label(f"diff.change_{name}", lang) for name in c.changes)
            changed.add_row(Text(where), Text(what), body, Text(_xlsx_agencies(c, lang)),
                            Text(_xlsx_deadline(c, lang)))  # fmt: skip
        console.print(changed)
    moved = [c for c in d.unchanged if c.renumbered]
    if moved:
        renumbered = table(label("diff.title_renumbered", lang), "cyan", ("col.a_to_b", None), ("col.task", 4))
        for c in moved:
            renumbered.add_row(Text(f"{key_label(c.a)} → {key_label(c.b)}"), Text(c.b.text))
        console.print(renumbered)


_FILL = {"added": "E2F0D9", "removed": "F8D7DA", "changed": "FFF3CD"}


def _xlsx_deadline(c: TaskChange, lang: str) -> str:
    dl = c.deadline
    if dl is None:
        return ""
    shift = f" ({dl.days:+d} {label('diff.days', lang)})" if dl.days is not None else ""
    return f"{dl.before.raw or '—'} → {dl.after.raw or '—'}{shift}"


def _xlsx_agencies(c: TaskChange, lang: str) -> str:
    parts = []
    for role, change in (("diff.role_lead", c.lead), ("diff.role_co", c.co)):
        if change is not None:
            name = label(role, lang)
            parts += [f"{name} +{n}" for n in change.added] + [f"{name} −{n}" for n in change.removed]
    return "; ".join(parts)


def xlsx_sheets(r: DiffResult, lang: str = DEFAULT_LANG) -> list[Sheet]:
    """Tóm tắt (the two documents, the counts), Thay đổi (one row per changed task), Thêm mới, Bị bỏ."""
    d = r.diff

    def col(key: str, width: float, kind: ColumnKind = "text") -> Column:
        return Column(label(key, lang), width, kind)

    summary_rows: list[list[Cell]] = [
        [label("diff.doc_a", lang), doc_label(r.a.document), r.a.document.file],
        [label("diff.doc_b", lang), doc_label(r.b.document), r.b.document.file],
        *[[label(f"diff.title_{name}", lang), value, None] for name, value in d.counts.items()],
    ]
    summary = Sheet(label("diff.sheet_summary", lang),
                    [col("diff.col_item", 26), col("diff.col_value", 24), col("field.file", 30)], summary_rows)  # fmt: skip
    changed_rows: list[list[Cell]] = []
    for c in d.changed:
        deleted = " | ".join(h.deleted for h in c.text_hunks if h.deleted)
        inserted = " | ".join(h.inserted for h in c.text_hunks if h.inserted)
        output = f"{c.output_before or ''} → {c.output_after or ''}" if c.output_changed else ""
        days = c.deadline.days if c.deadline else None
        what = ", ".join(label(f"diff.change_{name}", lang) for name in c.changes)
        changed_rows.append([key_label(c.a), key_label(c.b), what, c.a.text, c.b.text, deleted, inserted,
                             _xlsx_agencies(c, lang), output, _xlsx_deadline(c, lang), days])  # fmt: skip
    changed = Sheet(label("diff.sheet_changed", lang), [
        col("diff.col_key_a", 12, "center"), col("diff.col_key_b", 12, "center"), col("diff.col_changes", 16),
        col("diff.col_text_a", 45), col("diff.col_text_b", 45), col("diff.col_deleted", 22),
        col("diff.col_inserted", 22), col("diff.col_agencies", 28), col("field.output", 26),
        col("field.deadline_raw", 28), col("diff.col_days", 8, "number"),
    ], changed_rows, autofilter=True, fill=_FILL["changed"])  # fmt: skip
    sheets = [summary, changed]
    for sheet_key, tasks, kind in (
        ("diff.sheet_added", d.added, "added"),
        ("diff.sheet_removed", d.removed, "removed"),
    ):
        rows: list[list[Cell]] = [
            [key_label(t), t.text, "; ".join(a.name for a in t.lead), "; ".join(a.name for a in t.co), t.output,
             t.deadline.raw, t.deadline.due, ",".join(map(str, t.pages))]
            for t in tasks
        ]  # fmt: skip
        sheets.append(Sheet(label(sheet_key, lang), [
            col("diff.col_key", 12, "center"), col("field.text", 55), col("field.lead", 26), col("field.co", 26),
            col("field.output", 26), col("field.deadline_raw", 22), col("field.deadline_due", 11, "date"),
            col("field.pages", 7, "center"),
        ], rows, autofilter=True, fill=_FILL[kind]))  # fmt: skip
    title = f"{doc_label(r.a.document)} → {doc_label(r.b.document)}"
    for sheet in sheets:
        sheet.title = title
    return sheets


def to_xlsx(r: DiffResult, lang: str = DEFAULT_LANG) -> bytes:
    """The diff as a workbook, written by the one XLSX writer (``store.xlsx.workbook_bytes``)."""
    return workbook_bytes(xlsx_sheets(r, lang), lang)


def write_diff(
    r: DiffResult, fmt: DiffFormat, output: Path | None, console: Console, *, lang: str = DEFAULT_LANG
) -> Path | None:
    """Write the diff in ``fmt`` to ``output`` (stdout for terminal/json when None); returns the file.

    ``lang`` is the language of the HTML page and the workbook (JSON keeps the contract's codes)."""
    if fmt == "terminal":
        if output is None:
            render_terminal(r, console, lang)
            return None
        with output.open("w", encoding="utf-8") as fh:
            render_terminal(r, Console(file=fh, width=160, color_system=None), lang)
        return output
    if fmt == "json":
        data = to_json(r).encode("utf-8")
    elif fmt == "html":
        from ingest.report import render_diff_html

        data = render_diff_html(r, lang).encode("utf-8")
    elif fmt == "xlsx":
        data = to_xlsx(r, lang)
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
