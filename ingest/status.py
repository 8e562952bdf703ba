"""What is overdue and what falls due soon, per lead agency, taking follow-up documents into account.

Which tasks are in force is decided by the registry, once, at commit time (``store.logical``,
``store.registry.current_tasks_clause``): a later document citing an earlier one, or the same issuer and
subject dated later, is linked to it, and an earlier task the later one restates is *superseded* and left
out of the status: a task moved from Quý I to Quý II is not overdue on 15 April.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
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
    """One lead agency's tasks in force, counted; ``overdue``/``due_soon`` list the first of them (all
    unless a limit was asked), the most late first."""

    agency: str
    total: int = 0
    overdue_count: int = 0
    due_soon_count: int = 0
    overdue: list[Task] = field(default_factory=list)
    due_soon: list[Task] = field(default_factory=list)


@dataclass(frozen=True)
class InForce:
    """Which tasks are in force: ``where`` (for every query), the superseded ones, the version links."""

    where: TaskFilter
    superseded: int  # how many tasks a later version superseded (counted: an archive may hold very many)
    follow_ups: list[FollowUp]


@dataclass(frozen=True)
class StatusReport:
    as_of: date
    soon_days: int
    agencies: list[AgencyStatus]
    superseded: int
    follow_ups: list[FollowUp]


def follow_ups(reg: Registry) -> list[FollowUp]:
    """Every (earlier, later) version link the registry keeps (``store.logical``), as documents: only
    the linked documents are read (a registry of thousands of documents has a few links)."""
    links = reg.version_links()
    by_id = reg.documents_by_id({i for earlier, later, _, _ in links for i in (earlier, later)})
    return [
        FollowUp(by_id[earlier], by_id[later], raw)
        for earlier, later, _, raw in links
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


def in_force(reg: Registry, *, links: bool = True) -> InForce:
    """The filter of the tasks in force: the registry's one rule (``store.registry.current_tasks_clause``,
    kept at commit time by ``store.logical``), the superseded ones and the version links (``links``: read
    them; the status tables do not show them, and an archive has thousands)."""
    found = follow_ups(reg) if links else []
    return InForce(TaskFilter(current=True), reg.count_tasks(TaskFilter(superseded=True)), found)


def agency_status(
    reg: Registry,
    as_of: date,
    soon_days: int = 14,
    *,
    limit: int | None = None,
    top: int | None = None,
    force: InForce | None = None,
) -> StatusReport:
    """Per lead agency: tasks in force, those overdue and those due within ``soon_days``, counted in SQL.

    A task with several lead agencies counts for each; a task with none is listed under ``NO_LEAD`` so
    that it is not lost. Agencies are sorted by overdue count, then name. The overdue and due-soon tasks
    are listed for the first ``top`` agencies (None: all), at most ``limit`` of each (None: all), the most
    late first; the counts are always whole.
    """
    force = force or in_force(reg)
    soon_until = as_of + timedelta(days=soon_days)
    counts = reg.lead_status_counts(as_of, soon_until, force.where)
    counts.sort(key=lambda c: (-c[2], -c[3], c[0] if c[0] is not None else NO_LEAD))
    rows = []
    for i, (name, total, n_overdue, n_soon) in enumerate(counts):
        listed = top is None or i < top
        who = {"no_lead": True} if name is None else {"agencies": [name], "roles": ("lead",)}
        late = replace(force.where, **who, overdue_as_of=as_of, by_due=True, limit=limit)  # type: ignore[arg-type]
        soon = replace(force.where, **who, due_from=as_of, due_until=soon_until, by_due=True, limit=limit)  # type: ignore[arg-type]
        rows.append(AgencyStatus(
            agency=name if name is not None else NO_LEAD, total=total, overdue_count=n_overdue, due_soon_count=n_soon,
            overdue=reg.tasks(late) if listed and n_overdue else [], due_soon=reg.tasks(soon) if listed and n_soon else [],
        ))  # fmt: skip
    rows.sort(key=lambda r: (-r.overdue_count, -r.due_soon_count, r.agency))
    return StatusReport(as_of, soon_days, rows, force.superseded, force.follow_ups)


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
        "superseded": report.superseded,
        "follow_ups": [
            {"earlier": f.earlier.meta.number, "later": f.later.meta.number or f.later.file, "raw": f.raw}
            for f in report.follow_ups
        ],
        "agencies": [
            {
                "agency": r.agency,
                "total": r.total,
                "overdue_count": r.overdue_count,
                "due_soon_count": r.due_soon_count,
                "overdue": [brief(t) for t in r.overdue],
                "due_soon": [brief(t) for t in r.due_soon],
            }
            for r in report.agencies
            if r.overdue_count or r.due_soon_count
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
    limit: int | None = None,
    top: int | None = None,
) -> None:
    """``theodoi status``: one table per agency with overdue or due-soon tasks, or the JSON record.

    Labels in ``lang``; cells wrap (``wide``: one line per row). Document text goes in as ``Text``, so a
    task reading "[/]" or "[link=…]" is printed as it is, never taken for rich markup. ``limit``: at most
    that many overdue and due-soon tasks listed per agency (the counts stay whole); ``top``: tables of tasks
    for that many agencies only, the most overdue first (the summary names them all). Rich renders a few
    hundred rows a second, so a registry of a million tasks gets a screen, not a book.
    """
    report = agency_status(reg, as_of, soon_days, limit=limit, top=None if as_json else top,
                           force=in_force(reg, links=as_json))  # fmt: skip
    docs = reg.documents_by_id(t.doc_id for r in report.agencies for t in (*r.overdue, *r.due_soon))
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
        summary.add_row(Text(agency_name(r.agency)), str(r.total), str(r.overdue_count or ""),
                        str(r.due_soon_count or ""))  # fmt: skip
    console.print(summary)
    detailed = [r for r in report.agencies if r.overdue_count or r.due_soon_count]
    for r in detailed[:top]:
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
        if more := r.overdue_count + r.due_soon_count - len(r.overdue) - len(r.due_soon):
            console.print(Text(label("status.more", lang, n=more), style="dim"))
    if top is not None and len(detailed) > top:
        console.print(Text(label("status.more_agencies", lang, n=len(detailed) - top), style="dim"))
    if report.superseded:
        console.print(Text(label("status.superseded", lang, n=report.superseded)))
