"""What `theodoi tasks`, `documents` and `agencies` print: one view, three formats (table, JSON, CSV).

A view is the columns (labels in the chosen language) and the full cell values. The terminal table wraps
long cells instead of cutting them (``--wide``: one line per row, for ``less -S``); JSON keeps the export
contract's English keys for tools; CSV has the table's columns with every value whole. Every cell that
comes from a document is a ``rich.text.Text``, so "[/]" or "[link=…]" in a task is shown, never obeyed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from models.document import Document
from models.labels import label, value_label
from models.task import Task
from store.export import csv_cell, document_record, task_record

OutputFormat = Literal["table", "json", "csv"]
WIDE = 100_000  # console width for --wide: no row is ever wrapped


def fmt_date(d: date | None, lang: str) -> str:
    """dd/mm/yyyy in Vietnamese (as the documents print it), ISO in English; "" when unknown."""
    if d is None:
        return ""
    return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()


def doc_date(doc: Document, lang: str) -> str:
    m = doc.meta
    if m.issue_date:
        return fmt_date(m.issue_date, lang)
    if m.issue_month:  # "2026-06"
        year, _, month = m.issue_month.partition("-")
        return f"{month}/{year}" if lang == "vi" else m.issue_month
    return ""


def doc_name(doc: Document | None, fallback: str = "") -> str:
    """A document as people cite it: its number as printed, else its file name."""
    if doc is None:
        return fallback
    return doc.meta.number or doc.file


def _names(refs: Sequence[Any]) -> str:
    return "; ".join(a.name for a in refs)


@dataclass(frozen=True)
class Col:
    key: str  # label key
    min_width: int | None = None
    ratio: int | None = None
    justify: Literal["left", "right", "center"] = "left"
    wide_only: bool = False  # left out of the fitted table (shown with --wide, in CSV and JSON)


@dataclass
class View:
    columns: list[Col]
    rows: list[list[str]]
    records: list[dict[str, Any]] = field(default_factory=list)  # JSON, one per row
    title: str | None = None


def position(t: Task) -> str:
    """Where the task sits in its document: "I · III.2 · a" (annex, section, STT), as far as known."""
    return " · ".join(p for p in (t.annex, t.section, t.stt) if p)


def task_view(tasks: Sequence[Task], docs: dict[str, Document], lang: str) -> View:
    """Six columns, so that a task stays readable at 80 characters: the deadline as printed with the
    last allowed day under it, the position as annex · section · STT."""
    rows, records = [], []
    for t in tasks:
        doc = docs.get(t.doc_id)
        when = doc_date(doc, lang) if doc else ""
        due = fmt_date(t.deadline.due, lang)
        deadline = t.deadline.raw or value_label("kind", t.deadline.kind, lang)
        rows.append([
            doc_name(doc, t.doc_id[:8]) + (f"\n{when}" if when else ""), position(t), t.text, _names(t.lead),
            _names(t.co), deadline + (f"\n→ {due}" if due and due not in deadline else ""),
        ])  # fmt: skip
        if doc is not None:
            records.append(task_record(t, doc))
    columns = [
        Col("col.doc", min_width=10), Col("col.position", min_width=5, ratio=2), Col("col.task", min_width=16, ratio=6),
        Col("col.lead", min_width=7, ratio=2), Col("col.co", min_width=7, ratio=2),
        Col("col.deadline", min_width=10, ratio=2),
    ]  # fmt: skip
    return View(columns, rows, records)


def task_csv_rows(tasks: Sequence[Task], docs: dict[str, Document], lang: str) -> tuple[list[str], list[list[str]]]:
    """The table's columns, whole, with the document's number and date apart and the ids at the end."""
    header = [label(k, lang) for k in ("col.number", "col.date", "col.annex", "col.section", "col.stt",
                                       "col.task", "col.lead", "col.co", "col.output", "col.deadline",
                                       "col.kind", "col.due", "col.task_id", "col.doc_id")]  # fmt: skip
    rows = []
    for t in tasks:
        doc = docs.get(t.doc_id)
        rows.append([
            doc_name(doc), doc_date(doc, lang) if doc else "", t.annex or "", t.section or "", t.stt or "",
            t.text, _names(t.lead), _names(t.co), t.output or "", t.deadline.raw or "",
            value_label("kind", t.deadline.kind, lang), fmt_date(t.deadline.due, lang), t.task_id, t.doc_id,
        ])  # fmt: skip
    return header, rows


def document_view(docs: Sequence[Document], lang: str) -> View:
    rows, records = [], []
    for d in docs:
        m = d.meta
        others = [f"{r.file} ({value_label('method', r.method, lang)})" for r in d.renditions if r.doc_id != d.doc_id]
        rows.append([
            m.number or "", doc_date(d, lang), m.doc_type or "", d.file, str(d.pages),
            value_label("method", d.method, lang), str(d.task_count), "\n".join(others), d.doc_id,
        ])  # fmt: skip
        records.append({**document_record(d), "pages": d.pages, "method": d.method, "tasks": d.task_count,
                        "ingested_at": d.ingested_at})  # fmt: skip
    columns = [
        Col("col.number", min_width=9, ratio=2), Col("col.date", min_width=10), Col("col.type", min_width=5, ratio=1),
        Col("col.file", min_width=8, ratio=3), Col("col.pages", justify="right"), Col("col.method", min_width=5),
        Col("col.tasks", justify="right"), Col("col.renditions", min_width=8, wide_only=True),
        Col("col.doc_id", min_width=10, wide_only=True),
    ]  # fmt: skip
    return View(columns, rows, records)


def agency_view(counts: Sequence[tuple[str, str, int]], lang: str) -> View:
    rows = [[name, value_label("agency", kind, lang), str(n)] for name, kind, n in counts]
    records = [{"name": name, "kind": kind, "mentions": n} for name, kind, n in counts]
    columns = [Col("col.agency", min_width=20, ratio=4), Col("col.kind", min_width=8), Col("col.mentions", justify="right")]
    return View(columns, rows, records)


def _cell_width(text: str) -> int:
    return max((Text(line).cell_len for line in text.split("\n")), default=0)


def _longest_word(text: str) -> int:
    return max((Text(w).cell_len for w in text.split()), default=0)


def column_widths(view: View, lang: str, total: int) -> list[int] | None:
    """Widths that fit ``total`` cells: fixed columns (no ratio) take what their cells need, the
    ratio columns share the rest by ratio, none narrower than its ``min_width`` or longest header word.

    Measured here because rich's own layout lets a table run past the screen when the minimums add up
    (the screen then cuts the last columns off). None when even the floors do not fit.
    """
    n = len(view.columns)
    heads = [label(c.key, lang) for c in view.columns]
    natural = [max([_cell_width(r[i]) for r in view.rows] + [_longest_word(heads[i])]) for i in range(n)]
    floor = [max(c.min_width or 1, _longest_word(heads[i])) for i, c in enumerate(view.columns)]
    widths = [0] * n
    flex = [i for i, c in enumerate(view.columns) if c.ratio]
    for i in set(range(n)) - set(flex):
        widths[i] = max(floor[i], natural[i])
    room = total - (3 * n + 1) - sum(widths)  # padding (two cells) and a divider per column, and an edge
    if room < sum(min(floor[i], natural[i]) for i in flex):
        return None  # too narrow a screen for this table even at its floors
    todo = list(flex)
    while todo:  # a column that needs less than its share, or is held at its floor, is settled first
        share = room / sum(view.columns[i].ratio or 1 for i in todo)
        settled = []
        for i in todo:
            fair = share * (view.columns[i].ratio or 1)
            if natural[i] <= fair:
                widths[i] = natural[i]
            elif floor[i] >= fair:
                widths[i] = floor[i]
            else:
                continue
            settled.append(i)
        if not settled:
            for i in todo:
                widths[i] = int(share * (view.columns[i].ratio or 1))
            widest = max(todo, key=lambda i: view.columns[i].ratio or 1)
            widths[widest] += max(0, room - sum(widths[i] for i in todo))  # what rounding left over
            break
        room -= sum(widths[i] for i in settled)
        todo = [i for i in todo if i not in settled]
    return widths


def rich_table(view: View, lang: str, *, wide: bool = False, width: int = 80) -> Table | None:
    """Cells wrap within widths that fit the screen (``overflow="fold"`` for long words) unless
    ``wide`` (one line per row); nothing is ever cut. None when ``width`` is too narrow for a table."""
    if not wide:
        keep = [i for i, c in enumerate(view.columns) if not c.wide_only]
        view = View([view.columns[i] for i in keep], [[r[i] for i in keep] for r in view.rows], title=view.title)
    widths = None if wide else column_widths(view, lang, width)
    if widths is None and not wide:
        return None
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, title=Text(view.title) if view.title else None)
    for i, col in enumerate(view.columns):
        table.add_column(
            Text(label(col.key, lang), style="bold"),
            justify=col.justify,
            overflow="fold",
            no_wrap=wide,
            width=widths[i] if widths else None,
        )
    for row in view.rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def write_view(
    view: View,
    fmt: OutputFormat,
    console: Console,
    lang: str,
    *,
    wide: bool = False,
    csv_rows: Callable[[], tuple[list[str], list[list[str]]]] | None = None,
) -> None:
    """Print ``view`` on ``console`` as a table, or write JSON/CSV to its file (stdout)."""
    if fmt == "json":
        console.file.write(json.dumps(view.records, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        header, rows = csv_rows() if csv_rows else ([label(c.key, lang) for c in view.columns], view.rows)
        console.file.write(to_csv(header, rows))
    elif wide:
        Console(file=console.file, width=WIDE, color_system=console.color_system,
                force_terminal=console.is_terminal).print(rich_table(view, lang, wide=True))  # fmt: skip
    elif fitted := rich_table(view, lang, width=console.width):
        console.print(fitted)
    else:  # a screen too narrow for the columns: one block per row, "label: value" per line
        for row in view.rows:
            for col, cell in zip(view.columns, row, strict=True):
                if cell:
                    line = Text(f"{label(col.key, lang)}: ", style="bold")
                    line.append(cell.replace("\n", " "))
                    console.print(line)
            console.print()


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    """CSV for tools (no byte-order mark; ``theodoi export -f csv`` is the one for Excel); a cell that
    starts like a formula gets a leading ``'`` (``store.export.csv_cell``), as in the export."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buf.getvalue()
