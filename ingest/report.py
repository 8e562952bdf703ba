"""HTML pages people read: the registry report (``theodoi report``) and a diff (``theodoi diff -f html``).

Both are one self-contained file that works offline (mailed, opened from a USB stick, in a network
with no internet): CSS, the calendar's bars and the filter/sort JavaScript are inline, there is no
CDN, font or image fetch. Templates live in ``ingest/templates/*.j2`` (jinja2, autoescaped).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ingest.status import AgencyStatus, classify, current_tasks, summarise
from models.diff import key_label
from models.registry import Registry
from models.task import Task

if TYPE_CHECKING:
    from ingest.diff_cmd import DiffResult

STATUS_LABELS = {
    "overdue": "Quá hạn",
    "due_soon": "Sắp đến hạn",
    "later": "Còn hạn",
    "undated": "Không có hạn",
}


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("ingest", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["key_label"] = key_label
    return env


def render_diff_html(r: DiffResult) -> str:
    """The diff side by side: A's words struck out, B's new words highlighted."""
    from ingest.diff_cmd import doc_label

    return (
        _env()
        .get_template("diff.html.j2")
        .render(
            diff=r.diff,
            counts=r.diff.counts,
            a=r.a.document,
            b=r.b.document,
            a_label=doc_label(r.a.document),
            b_label=doc_label(r.b.document),
        )
    )


def _href(file: str, files_dir: Path | None) -> str:
    """Where a task's page link points: ``file:///…/kh15_plan.pdf`` when the folder is known, else the
    bare file name (works when the report sits next to the documents)."""
    if files_dir is None:
        return file
    return (files_dir / file).resolve().as_uri()


def _row(t: Task, doc_label: str, file: str, status: str, files_dir: Path | None) -> dict[str, object]:
    lead = [a.name for a in t.lead]
    co = [a.name for a in t.co]
    due = t.deadline.due
    return {
        "task_id": t.task_id,
        "doc": doc_label,
        "order": t.order,
        "key": key_label(t),
        "text": t.text,
        "lead": lead,
        "co": co,
        "deadline": t.deadline.raw,
        "due": due.isoformat() if due else None,
        "month": due.strftime("%Y-%m") if due else None,
        "status": status,
        "pages": t.pages,
        "file": file,
        "href": _href(file, files_dir),
        # what the free-text filter searches: the task, its agencies (canonical and as printed), the document
        "search": " ".join(
            [doc_label, t.text, *lead, *co, *(a.raw for a in (*t.lead, *t.co)), t.deadline.raw or ""]
        ),
    }


def _months(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    counts = Counter(str(r["month"]) for r in rows if r["month"])
    overdue = Counter(str(r["month"]) for r in rows if r["month"] and r["status"] == "overdue")
    if not counts:
        return []
    first, last = min(counts), max(counts)
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        key = f"{y:04d}-{m:02d}"
        out.append({"key": key, "label": f"{m:02d}/{y}", "count": counts[key], "overdue": overdue[key]})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def render_report(reg: Registry, as_of: date, *, soon_days: int = 14, files_dir: Path | None = None) -> str:
    """The registry as one offline HTML page: documents and their follow-ups, per-agency overdue counts,
    a deadline calendar by month, and a filterable, sortable task table (``#filter=Công an`` in the URL
    pre-applies a filter)."""
    docs = reg.documents()
    by_id = {d.doc_id: d for d in docs}
    tasks, superseded, links = current_tasks(reg)
    rows = []
    for t in tasks:
        d = by_id[t.doc_id]
        rows.append(_row(t, d.meta.number or d.file, d.file, classify(t, as_of, soon_days), files_dir))
    status = summarise(tasks, superseded, links, as_of, soon_days)
    agencies: list[AgencyStatus] = status.agencies
    months = _months(rows)
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            as_of=as_of,
            soon_days=soon_days,
            docs=docs,
            links=links,
            superseded=len(superseded),
            agencies=agencies,
            months=months,
            max_month=max((int(m["count"]) for m in months), default=1) or 1,  # type: ignore[call-overload]
            rows=rows,
            status_labels=STATUS_LABELS,
        )
    )


def write_report(
    reg: Registry, output: Path, as_of: date, *, soon_days: int = 14, files_dir: Path | None = None
) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_report(reg, as_of, soon_days=soon_days, files_dir=files_dir), encoding="utf-8")
    return output
