"""Registry questions the CLI and reports ask: tasks by document/agency/date, and exports."""

from __future__ import annotations

from datetime import date

from ingest.resources import load_gazetteer
from models.document import Document
from models.errors import BadArgsError
from models.labels import DEFAULT_LANG
from models.task import Task
from store import export
from store.registry import Registry, TaskFilter

_HEX = frozenset("0123456789abcdef")


def find_documents(reg: Registry, ref: str) -> list[Document]:
    """Documents whose number or file name is ``ref``, or whose doc id starts with it (6 hex digits or more).

    Compared here, not with SQL ``LIKE``: "%" and "_" in what a user types are characters, never wildcards
    (``--doc "%%%%%%"`` matches nothing).
    """
    ref = ref.strip()
    prefix = ref.lower() if len(ref) >= 6 and set(ref.lower()) <= _HEX else None
    return [
        d
        for d in reg.documents()
        if ref in (d.meta.number, d.file) or (prefix is not None and d.doc_id.startswith(prefix))
    ]


def resolve_doc_ids(reg: Registry, doc: str | None) -> list[str] | None:
    """A document reference (number, doc-id prefix, file name) to doc ids; None means all documents."""
    if doc is None:
        return None
    found = find_documents(reg, doc)
    if not found:
        raise BadArgsError(f"no registered document matches {doc!r} (try `theodoi documents`)")
    return [d.doc_id for d in found]


def resolve_agency(name: str) -> str:
    """Any alias or abbreviation ("Sở KH&CN", "CA tỉnh") to the canonical name stored in the registry."""
    ref = load_gazetteer().lookup(name)
    return ref.name if ref else name


def select_tasks(
    reg: Registry,
    *,
    doc: str | None = None,
    agency: str | None = None,
    due_before: date | None = None,
    overdue: bool = False,
    as_of: date | None = None,
) -> list[Task]:
    where = TaskFilter(
        doc_ids=resolve_doc_ids(reg, doc),
        agencies=[resolve_agency(agency)] if agency else None,
        due_before=due_before,
        overdue_as_of=(as_of or date.today()) if overdue else None,
    )
    return reg.tasks(where)


def export_bytes(
    reg: Registry,
    fmt: str,
    *,
    doc: str | None = None,
    lang: str = DEFAULT_LANG,
    bom: bool = True,
    raw: bool = False,
) -> bytes:
    """The export in ``fmt`` (json, csv, xlsx). JSON keeps the contract's keys and codes whatever ``lang``;
    CSV and XLSX speak ``lang``. CSV: ``bom`` for Excel, ``raw`` to leave formula-like cells unprefixed."""
    doc_ids = resolve_doc_ids(reg, doc)
    docs = [d for d in reg.documents() if doc_ids is None or d.doc_id in doc_ids]
    found = reg.tasks(TaskFilter(doc_ids=[d.doc_id for d in docs]))
    try:
        return export.render_export(fmt, docs, found, lang=lang, bom=bom, raw=raw)
    except ValueError as e:
        raise BadArgsError(f"unknown export format {fmt!r}: use json, csv or xlsx") from e
