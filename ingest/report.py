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

import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ingest.safe_names import safe_name
from ingest.status import NO_LEAD, AgencyStatus, classify, current_tasks, summarise
from models.diff import key_label
from models.document import Document
from models.labels import DEFAULT_LANG, label
from models.task import Task
from models.text import fold, strip_diacritics
from store.registry import Registry

if TYPE_CHECKING:
    from ingest.diff_result import DiffResult

STATUSES = ("overdue", "due_soon", "later", "undated")
PROCESSED = "processed"  # the watcher's folder of filed documents (ingest/watch.py)


def _env(lang: str) -> Environment:
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


def _row(t: Task, doc: Document, status: str, href: str | None) -> dict[str, object]:
    doc_label = doc.meta.number or doc.file
    due = t.deadline.due
    search = _search_text(t, doc_label)
    return {
        "task_id": t.task_id,
        "doc": doc_label,
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
        "href": href,
        "pdf": doc.file.lower().endswith(".pdf"),
        "search": fold(search),
        "bare": strip_diacritics(search),
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


def _by_deadline(row: dict[str, object]) -> tuple[str, str, int]:
    due = row["due"]
    return (
        due.isoformat() if isinstance(due, date) else "9999-12-31",
        str(row["doc"]),
        int(str(row["order"])),
    )


def render_report(
    reg: Registry,
    as_of: date,
    *,
    soon_days: int = 14,
    files_dir: Path | None = None,
    base_dir: Path | None = None,
    lang: str = DEFAULT_LANG,
) -> str:
    """The registry as one offline HTML page: totals, documents and their follow-ups, per-agency overdue
    counts, a deadline calendar by month, and a filterable task table sorted by deadline
    (``#filter=Công an``, ``#status=overdue``, ``#sort=doc`` in the URL pre-apply a filter or an order).

    ``base_dir`` is the folder the page will be saved in: file links are written relative to it.
    """
    docs = reg.documents()
    by_id = {d.doc_id: d for d in docs}
    found = {d.doc_id: locate(d, files_dir) for d in docs}
    hrefs = {doc_id: file_href(path, base_dir) for doc_id, path in found.items()}
    tasks, superseded, links = current_tasks(reg)
    rows = sorted(
        (_row(t, by_id[t.doc_id], classify(t, as_of, soon_days), hrefs[t.doc_id]) for t in tasks),
        key=_by_deadline,
    )
    status = summarise(tasks, superseded, links, as_of, soon_days)
    agencies: list[AgencyStatus] = status.agencies
    months = _months(rows)
    totals = Counter(str(r["status"]) for r in rows)
    return (
        _env(lang)
        .get_template("report.html.j2")
        .render(
            as_of=as_of,
            soon_days=soon_days,
            docs=docs,
            hrefs=hrefs,
            links=links,
            superseded=len(superseded),
            agencies=agencies,
            no_lead=NO_LEAD,
            months=months,
            max_month=max((int(str(m["count"])) for m in months), default=1) or 1,
            rows=rows,
            totals={s: totals[s] for s in STATUSES},
            statuses=STATUSES,
        )
    )


def write_report(
    reg: Registry,
    output: Path,
    as_of: date,
    *,
    soon_days: int = 14,
    files_dir: Path | None = None,
    lang: str = DEFAULT_LANG,
) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    html = render_report(
        reg, as_of, soon_days=soon_days, files_dir=files_dir, base_dir=output.parent, lang=lang
    )
    output.write_text(html, encoding="utf-8")
    return output
