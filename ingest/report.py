"""HTML pages people read: the registry report (``theodoi report``) and a diff (``theodoi diff -f html``).

Both are one self-contained file that works offline (mailed, opened from a USB stick, in a network
with no internet): CSS, the calendar's bars and the filter/sort JavaScript are inline, there is no
CDN, font or image fetch. Templates live in ``ingest/templates/*.j2`` (jinja2, autoescaped); every word
on them comes from ``models.labels`` (Vietnamese by default, ``lang="en"`` for English).

The report opens on the totals (overdue, due soon), lists tasks by deadline, searches without
diacritics ("binh dan hoc vu" finds "Bình dân học vụ"; a letter typed with its marks must match them:
"Sở" does not find "số"), and prints on A4 landscape without its controls. A task's page links open
the file where it is now: the path it was ingested from, or the copy the watcher filed under
``processed/`` (found by name, confirmed by the sha256 of its bytes), or ``--files-dir``; the link is
relative to the report's folder, and there is no link when the file is nowhere to be found.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ingest.safe_names import safe_name
from ingest.status import NO_LEAD, AgencyStatus, InForce, classify, in_force
from models.diff import key_label
from models.document import Document
from models.labels import DEFAULT_LANG, label
from models.task import Task
from models.text import fold, strip_diacritics
from store.registry import Registry, TaskFilter

if TYPE_CHECKING:
    from ingest.diff_result import DiffResult

STATUSES = ("overdue", "due_soon", "later", "undated")
PAGE_TASKS = 2000  # tasks on one page; a registry with more gets its lists split into pages beside the report
INLINE_DOCS = 300  # documents listed on the overview; more get a page of their own
PROCESSED = "processed"  # the watcher's folder of filed documents (ingest/watch.py)


@functools.cache
def _env(lang: str) -> Environment:
    """One environment per language: a template is compiled once however many pages it renders."""
    env = Environment(
        loader=PackageLoader("ingest", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["key_label"] = key_label
    env.globals["t"] = _translator(lang)
    env.globals["lang"] = lang
    env.filters["dmy"] = _dmy
    return env


def _translator(lang: str) -> Callable[..., str]:
    def t(key: str, **fields: object) -> str:
        return label(key, lang, **fields)

    return t


def _dmy(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def render_diff_html(r: DiffResult, lang: str = DEFAULT_LANG) -> str:
    """The diff side by side: A's words struck out, B's new words highlighted; renumbered tasks listed."""
    from ingest.diff_result import doc_label

    d = r.diff
    renumbered = sorted((c for c in (*d.changed, *d.unchanged) if c.renumbered), key=lambda c: c.b.order)
    return (
        _env(lang)
        .get_template("diff.html.j2")
        .render(
            diff=d,
            counts=d.counts,
            renumbered=renumbered,
            changed_ids={c.b.task_id for c in d.changed},
            a=r.a.document,
            b=r.b.document,
            a_label=doc_label(r.a.document),
            b_label=doc_label(r.b.document),
        )
    )


# -- where each document's file is now -----------------------------------------------------------------


def _sha256_of(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _filed_copies(ingested: Path, file: str) -> Iterator[Path]:
    """Where the watcher may have filed a file it took from ``ingested``: ``<inbox>/processed/YYYY-MM/``
    under its safe name, or that name with " (n)" when it was taken (``ingest/safe_names.py``)."""
    name = safe_name(file)
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    renamed = re.compile(re.escape(stem) + r" \(\d+\)" + (re.escape("." + ext) if ext else "") + "$")
    for folder in ingested.parents:
        processed = folder / PROCESSED
        if not processed.is_dir():
            continue
        for month in sorted(processed.iterdir(), reverse=True):
            if not month.is_dir():
                continue
            if (month / name).is_file():
                yield month / name
            for other in sorted(month.iterdir()):
                if renamed.match(other.name):
                    yield other


def locate(doc: Document, files_dir: Path | None = None) -> Path | None:
    """The file holding ``doc``'s bytes now, or None: the path it was ingested from, its copy filed under
    ``processed/``, or ``files_dir/<file name>``. A candidate counts only if its sha256 is the doc_id."""
    candidates: list[Path] = []
    ingested = Path(doc.path) if doc.path else None
    if ingested is not None:
        candidates.append(ingested)
    if files_dir is not None:
        candidates.append(files_dir / doc.file)
    for path in candidates:
        if path.is_file() and _sha256_of(path) == doc.doc_id:
            return path.absolute()
    if ingested is not None:
        for path in _filed_copies(ingested, doc.file):
            if _sha256_of(path) == doc.doc_id:
                return path.absolute()
    return None


def file_href(path: Path | None, base_dir: Path | None) -> str | None:
    """A link to ``path``: relative to ``base_dir`` (the report's folder) when given, else a file:// URI."""
    if path is None:
        return None
    if base_dir is None:
        return path.resolve().as_uri()
    return quote(os.path.relpath(path.absolute(), base_dir.absolute()).replace(os.sep, "/"))


# -- the report ----------------------------------------------------------------------------------------


def _search_text(t: Task, doc_label: str) -> str:
    """What the free-text filter searches: the task, its agencies (canonical and as printed), the document."""
    names = [doc_label, t.text, *(a.name for a in (*t.lead, *t.co)), *(a.raw for a in (*t.lead, *t.co))]
    return " ".join([*names, t.deadline.raw or ""])


@dataclass(frozen=True)
class _DocLink:
    """What a task row shows of its document: its label, its file, and the link to where the file is now."""

    label: str
    file: str
    href: str | None


def _row(t: Task, doc: _DocLink, status: str) -> dict[str, object]:
    due = t.deadline.due
    search = _search_text(t, doc.label)
    return {
        "task_id": t.task_id,
        "doc": doc.label,
        "order": t.order,
        "key": key_label(t),
        "text": t.text,
        "lead": [a.name for a in t.lead],
        "co": [a.name for a in t.co],
        "deadline": t.deadline.raw,
        "due": due,
        "month": due.strftime("%Y-%m") if due else None,
        "status": status,
        "pages": t.pages,
        "file": doc.file,
        "href": doc.href,
        "pdf": doc.file.lower().endswith(".pdf"),
        "search": fold(search),
        "bare": strip_diacritics(search),
    }


def _months(counts: list[tuple[str | None, int, int]]) -> list[dict[str, object]]:
    """Every month from the first deadline to the last (empty ones too), with its tasks and overdue ones."""
    by_month = {m: (n, late) for m, n, late in counts if m}
    if not by_month:
        return []
    first, last = min(by_month), max(by_month)
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        key = f"{y:04d}-{m:02d}"
        count, overdue = by_month.get(key, (0, 0))
        out.append({"key": key, "label": f"{m:02d}/{y}", "count": count, "overdue": overdue})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass
class _Report:
    """What every page of one report shares."""

    reg: Registry
    as_of: date
    soon_days: int
    lang: str
    force: InForce
    docs: dict[str, _DocLink]

    def status(self, t: Task) -> str:
        return classify(t, self.as_of, self.soon_days)

    def rows(self, where: TaskFilter) -> Iterator[dict[str, object]]:
        """Rows of the tasks ``where`` selects (tasks in force only), by deadline, undated last."""
        where = replace(where, current=True, exclude=self.force.where.exclude, by_due=True)
        for t in self.reg.iter_tasks(where):
            yield _row(t, self.docs[t.doc_id], self.status(t))

    def render(self, **page: object) -> str:
        context: dict[str, object] = {
            "as_of": self.as_of, "soon_days": self.soon_days, "superseded": self.force.superseded,
            "no_lead": NO_LEAD, "statuses": STATUSES, "nav": None, "heading": None, "overview": False,
            "docs": [], "links": [], "hrefs": {}, "agencies": [], "months": [], "max_month": 1, "pages": None,
            "all_docs": None, "rows": None,
        } | page  # fmt: skip
        return _env(self.lang).get_template("report.html.j2").render(**context)


def _doc_links(reg: Registry, files_dir: Path | None, base_dir: Path | None) -> dict[str, _DocLink]:
    out = {}
    for d in reg.iter_documents():
        out[d.doc_id] = _DocLink(d.meta.number or d.file, d.file, file_href(locate(d, files_dir), base_dir))
    return out


def report_pages(
    reg: Registry,
    as_of: date,
    *,
    soon_days: int = 14,
    files_dir: Path | None = None,
    base_dir: Path | None = None,
    lang: str = DEFAULT_LANG,
    page_tasks: int = PAGE_TASKS,
    parts: str = "report_files",
    main: str = "report.html",
) -> Iterator[tuple[str, str]]:
    """The report's pages as (path relative to the report's folder, HTML), the overview first.

    The overview stays small whatever the registry holds: totals, per-agency and per-month counts (counted
    in SQL), follow-ups. When the tasks in force fit on one page (``page_tasks``) the page also lists them
    all, filterable and sorted by deadline (``#filter=Công an``, ``#status=overdue``, ``#sort=doc`` in the
    URL pre-apply a filter or an order); past that, they are listed in pages under ``parts/``, per lead
    agency and per state (overdue, due soon), by deadline, ``page_tasks`` a page, each filterable the same
    way, and the overview links to them. Documents likewise: listed on the overview up to
    ``INLINE_DOCS``, else on a page of their own.
    """
    force = in_force(reg)
    r = _Report(reg, as_of, soon_days, lang, force, _doc_links(reg, files_dir, base_dir))
    where = force.where
    soon_until = as_of + timedelta(days=soon_days)
    total = reg.count_tasks(where)
    months = _months(reg.due_month_counts(as_of, where))
    totals = {
        "overdue": reg.count_tasks(replace(where, overdue_as_of=as_of)),
        "due_soon": reg.count_tasks(replace(where, due_from=as_of, due_until=soon_until)),
        "undated": total - sum(int(str(m["count"])) for m in months),
    }
    totals["later"] = total - totals["overdue"] - totals["due_soon"] - totals["undated"]
    agencies = [
        AgencyStatus(NO_LEAD if name is None else name, n, late, soon)
        for name, n, late, soon in reg.lead_status_counts(as_of, soon_until, where)
    ]
    agencies.sort(key=lambda a: (-a.overdue_count, -a.due_soon_count, a.agency))
    docs = list(reg.iter_documents()) if len(r.docs) <= INLINE_DOCS else []
    overview: dict[str, object] = {
        "overview": True, "links": force.follow_ups, "hrefs": {i: d.href for i, d in r.docs.items()},
        "agencies": agencies, "months": months, "in_force": total, "n_docs": len(r.docs),
        "max_month": max((int(str(m["count"])) for m in months), default=1) or 1, "totals": totals,
    }  # fmt: skip
    if total <= page_tasks:
        yield "", r.render(**overview, docs=docs, rows=list(r.rows(TaskFilter())))
        return
    pages: dict[str, str] = {}  # agency or status -> its first page
    lists: list[tuple[str, str, TaskFilter, int]] = [
        (f"{s}", label(f"report.status.{s}", lang), replace(where, **_status_filter(s, as_of, soon_until)), totals[s])
        for s in ("overdue", "due_soon")
    ]  # fmt: skip
    for i, a in enumerate(agencies, start=1):
        wanted = TaskFilter(no_lead=True) if a.agency == NO_LEAD else TaskFilter(agencies=[a.agency], roles=("lead",))
        shown = label("status.no_lead", lang) if a.agency == NO_LEAD else a.agency
        lists.append((f"agency-{i:03d}", shown, wanted, a.total))
    for stem, _, _, count in lists:
        pages[stem] = f"{parts}/{stem}-1.html" if count else ""
    all_docs = f"{parts}/documents.html" if not docs else None
    yield "", r.render(**overview, docs=docs, pages=pages, all_docs=all_docs, page_tasks=page_tasks,
                       list_names=[(stem, name) for stem, name, _, _ in lists])  # fmt: skip
    back = "../" + main
    if all_docs:
        docs_page = r.render(docs=list(reg.iter_documents()), links=force.follow_ups,
                             hrefs={i: _up(d.href) for i, d in r.docs.items()}, nav={"back": back},
                             heading=label("report.all_documents", lang, n=len(r.docs)))  # fmt: skip
        yield all_docs, docs_page
    for stem, name, wanted, count in lists:
        n_pages = max(1, -(-count // page_tasks))
        chunk: list[dict[str, object]] = []
        number = 0

        def page(rows: list[dict[str, object]], n: int, stem: str = stem, name: str = name, of: int = n_pages) -> tuple[str, str]:
            nav = {"back": back, "prev": f"{stem}-{n - 1}.html" if n > 1 else None,
                   "next": f"{stem}-{n + 1}.html" if n < of else None, "page": label("report.page_n", lang, n=n, of=of)}  # fmt: skip
            for row in rows:
                row["href"] = _up(row["href"])  # type: ignore[arg-type]
            return f"{parts}/{stem}-{n}.html", r.render(rows=rows, nav=nav, heading=name)

        for row in r.rows(replace(wanted, exclude=where.exclude)):
            chunk.append(row)
            if len(chunk) == page_tasks:
                number += 1
                yield page(chunk, number)
                chunk = []
        if chunk:
            yield page(chunk, number + 1)


def _up(href: str | None) -> str | None:
    """A link relative to the report's folder, seen from a page one folder below it."""
    return href if href is None or "://" in href else "../" + href


def _status_filter(status: str, as_of: date, soon_until: date) -> dict[str, object]:
    return {"overdue_as_of": as_of} if status == "overdue" else {"due_from": as_of, "due_until": soon_until}


def render_report(reg: Registry, as_of: date, **options: Any) -> str:
    """The report's first page (the whole report when its tasks fit on one page); ``options`` as
    ``report_pages`` takes them."""
    return next(report_pages(reg, as_of, **options))[1]


def write_report(
    reg: Registry,
    output: Path,
    as_of: date,
    *,
    soon_days: int = 14,
    files_dir: Path | None = None,
    lang: str = DEFAULT_LANG,
    page_tasks: int = PAGE_TASKS,
) -> Path:
    """Write the report to ``output``; its task pages, when it has some, go to ``<output stem>_files/``
    beside it (emptied first, so no page of an earlier report is left linked to nothing)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    parts = output.stem + "_files"
    folder = output.parent / parts
    if folder.is_dir():
        shutil.rmtree(folder)
    for path, html in report_pages(reg, as_of, soon_days=soon_days, files_dir=files_dir, base_dir=output.parent,
                                   lang=lang, page_tasks=page_tasks, parts=quote(parts), main=quote(output.name)):  # fmt: skip
        target = output if not path else output.parent / unquote(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return output
