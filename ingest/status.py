"""What is overdue and what falls due soon, per lead agency, taking follow-up documents into account.

Which tasks are in force is decided by the registry, once, at commit time (``store.logical``,
``store.registry.current_tasks_clause``): a later document citing an earlier one, or the same issuer and
subject dated later, is linked to it, and an earlier task the later one restates is *superseded* and left
out of the status: a task moved from Quý I to Quý II is not overdue on 15 April.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from models.document import Document
from models.labels import DEFAULT_LANG, label
from models.task import Task
from store.registry import Registry, TaskFilter

Status = Literal["overdue", "due_soon", "later", "undated"]
NO_LEAD = "(chưa rõ cơ quan chủ trì)"


@dataclass(frozen=True)
class FollowUp:
    """``later`` cites ``earlier`` (as printed in ``raw``)."""

    earlier: Document
    later: Document
    raw: str


@dataclass(frozen=True)
class AgencyStatus:
    agency: str
    total: int = 0
    overdue: list[Task] = field(default_factory=list)
    due_soon: list[Task] = field(default_factory=list)


@dataclass(frozen=True)
class StatusReport:
    as_of: date
    soon_days: int
    agencies: list[AgencyStatus]
    superseded: dict[str, str]  # task_id of an earlier task -> task_id of the later task in force
    follow_ups: list[FollowUp]


def follow_ups(reg: Registry, docs: list[Document] | None = None) -> list[FollowUp]:
    """Every (earlier, later) version link the registry keeps (``store.logical``), as documents."""
    by_id = {d.logical_id or d.doc_id: d for d in (docs if docs is not None else reg.documents())}
    return [
        FollowUp(by_id[earlier], by_id[later], raw)
        for earlier, later, _, raw in reg.version_links()
        if earlier in by_id and later in by_id
    ]


def classify(task: Task, as_of: date, soon_days: int) -> Status:
    """Overdue when the last allowed day is before ``as_of``; due soon within ``soon_days`` after it."""
    due = task.deadline.due
    if due is None:
        return "undated"
    if due < as_of:
        return "overdue"
    return "due_soon" if due <= as_of + timedelta(days=soon_days) else "later"


def current_tasks(reg: Registry) -> tuple[list[Task], dict[str, str], list[FollowUp]]:
    """Tasks in force (the registry's one rule, ``current_tasks_clause``), the superseded map, the links."""
    return reg.tasks(TaskFilter(current=True)), reg.superseded(), follow_ups(reg)


def agency_status(reg: Registry, as_of: date, soon_days: int = 14) -> StatusReport:
    """Per lead agency: tasks in force, those overdue and those due within ``soon_days``.

    A task with several lead agencies counts for each; a task with none is listed under
    ``NO_LEAD`` so that it is not lost. Agencies are sorted by overdue count, then name.
    """
    tasks, superseded, links = current_tasks(reg)
    return summarise(tasks, superseded, links, as_of, soon_days)


def summarise(
    tasks: list[Task], superseded: dict[str, str], links: list[FollowUp], as_of: date, soon_days: int
) -> StatusReport:
    """``agency_status`` on tasks already selected (the report selects them once for all its parts)."""
    groups: dict[str, list[Task]] = defaultdict(list)
    for t in tasks:
        for name in dict.fromkeys(a.name for a in t.lead) or [NO_LEAD]:
            groups[name].append(t)
    rows = []
    for name, ts in groups.items():
        st = [classify(t, as_of, soon_days) for t in ts]
        rows.append(
            AgencyStatus(
                agency=name,
                total=len(ts),
                overdue=sorted((t for t, s in zip(ts, st, strict=True) if s == "overdue"), key=_due),
                due_soon=sorted((t for t, s in zip(ts, st, strict=True) if s == "due_soon"), key=_due),
            )
        )
    rows.sort(key=lambda r: (-len(r.overdue), -len(r.due_soon), r.agency))
    return StatusReport(as_of, soon_days, rows, superseded, links)


def _due(t: Task) -> date:
    return t.deadline.due or date.max


def status_record(report: StatusReport, docs: dict[str, Document]) -> dict[str, object]:
    """JSON for tools: per agency, the overdue and due-soon tasks with their document and deadline."""

    def brief(t: Task) -> dict[str, object]:
        doc = docs.get(t.doc_id)
        return {
            "task_id": t.task_id,
            "document": (doc.meta.number or doc.file) if doc else t.doc_id,
            "stt": t.stt,
            "text": t.text,
            "deadline": t.deadline.raw,
            "due": t.deadline.due.isoformat() if t.deadline.due else None,
            "days_late": (report.as_of - t.deadline.due).days if t.deadline.due else None,
        }

    return {
        "as_of": report.as_of.isoformat(),
        "soon_days": report.soon_days,
        "superseded": len(report.superseded),
        "follow_ups": [
            {"earlier": f.earlier.meta.number, "later": f.later.meta.number or f.later.file, "raw": f.raw}
            for f in report.follow_ups
        ],
        "agencies": [
            {
                "agency": r.agency,
                "total": r.total,
                "overdue": [brief(t) for t in r.overdue],
                "due_soon": [brief(t) for t in r.due_soon],
            }
            for r in report.agencies
            if r.overdue or r.due_soon
        ],
    }


def print_status(
    reg: Registry,
    as_of: date,
    soon_days: int,
    *,
    console: Console,
    as_json: bool = False,
    lang: str = DEFAULT_LANG,
    wide: bool = False,
) -> None:
    """``theodoi status``: one table per agency with overdue or due-soon tasks, or the JSON record.

    Labels in ``lang``; cells wrap (``wide``: one line per row). Document text goes in as ``Text``, so a
    task reading "[/]" or "[link=…]" is printed as it is, never taken for rich markup.
    """
    report = agency_status(reg, as_of, soon_days)
    docs = {d.doc_id: d for d in reg.documents()}
    if as_json:
        console.file.write(json.dumps(status_record(report, docs), ensure_ascii=False, indent=2) + "\n")
        return
    if wide:
        console = Console(file=console.file, width=100_000, color_system=console.color_system,
                          force_terminal=console.is_terminal)  # fmt: skip

    def table(*keys: str, title: str) -> Table:
        t = Table(title=Text(title, style="bold"), box=box.SIMPLE_HEAD)
        for key in keys:
            t.add_column(Text(label(key, lang), style="bold"), overflow="fold", no_wrap=wide,
                         ratio=5 if key == "col.task" else None)  # fmt: skip
        return t

    def date_text(d: date | None) -> str:
        if d is None:
            return ""
        return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()

    def agency_name(name: str) -> str:
        return label("status.no_lead", lang) if name == NO_LEAD else name

    summary = table("col.lead_agency", "col.tasks", "col.overdue", "col.due_soon",
                    title=label("status.title", lang, as_of=date_text(as_of), days=soon_days))  # fmt: skip
    for r in report.agencies:
        summary.add_row(Text(agency_name(r.agency)), str(r.total), str(len(r.overdue) or ""),
                        str(len(r.due_soon) or ""))  # fmt: skip
    console.print(summary)
    for r in report.agencies:
        if not (r.overdue or r.due_soon):
            continue
        tasks = table("col.doc", "col.stt", "col.task", "col.deadline", "col.due", "col.state",
                      title=agency_name(r.agency))  # fmt: skip
        for t in [*r.overdue, *r.due_soon]:
            doc = docs.get(t.doc_id)
            due = t.deadline.due
            late = (as_of - due).days if due else 0
            state = (
                Text(label("status.late", lang, days=late), style="red")
                if late > 0
                else Text(label("status.left", lang, days=-late), style="yellow")
            )
            tasks.add_row(Text((doc.meta.number or doc.file) if doc else t.doc_id[:8]), Text(t.stt or ""),
                          Text(t.text), Text(t.deadline.raw or ""), date_text(due), state)  # fmt: skip
        console.print(tasks)
    if report.superseded:
        console.print(Text(label("status.superseded", lang, n=len(report.superseded))))
