"""Registry questions the CLI and reports ask: tasks by document/agency/date, and exports."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any, BinaryIO

from models.document import Document
from models.errors import BadArgsError
from models.labels import DEFAULT_LANG
from models.task import Task
from store import export
from store.registry import Registry, TaskFilter

_HEX = frozenset("0123456789abcdef")


def find_documents(reg: Registry, ref: str) -> list[Document]:
    """Documents whose number or file name is ``ref``, or whose doc id starts with it (6 hex digits or more).

    The registry narrows in SQL (its LIKE escapes "%" and "_"); the rule is checked again here: "%" and "_"
    in what a user types are characters, never wildcards (``--doc "%%%%%%"`` matches nothing).
    """
    ref = ref.strip()
    prefix = ref.lower() if len(ref) >= 6 and set(ref.lower()) <= _HEX else None
    return [
        d
        for d in reg.find_documents(ref)
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


def resolve_agency(name: str, reg: Registry | None = None) -> str:
    """Any alias or abbreviation ("Sở KH&CN", "CA tỉnh") to the canonical name stored in the registry.

    A name the registry already holds (an index lookup) is taken as it is, without loading the gazetteer
    (its import and load take a second or more).
    """
    if reg is not None and reg.has_agency(name):
        return name
    from ingest.resources import load_gazetteer

    ref = load_gazetteer().lookup(name)
    return ref.name if ref else name


def task_filter(
    reg: Registry,
    *,
    doc: str | None = None,
    agency: str | None = None,
    due_before: date | None = None,
    overdue: bool = False,
    as_of: date | None = None,
    limit: int | None = None,
) -> TaskFilter:
    """What ``theodoi tasks`` asks for, as the registry's filter (tasks in force only)."""
    return TaskFilter(
        doc_ids=resolve_doc_ids(reg, doc),
        agencies=[resolve_agency(agency, reg)] if agency else None,
        due_before=due_before,
        overdue_as_of=(as_of or date.today()) if overdue else None,
        current=True,
        limit=limit,
    )


def select_tasks(reg: Registry, **options: Any) -> list[Task]:
    return reg.tasks(task_filter(reg, **options))


def documents_with_tasks(reg: Registry, doc_ids: list[str] | None) -> Iterator[tuple[Document, Iterator[Task]]]:
    """Each document (of ``doc_ids``, else all) with its tasks in force, read one document at a time."""
    for d in reg.iter_documents(doc_ids):
        yield d, reg.iter_tasks(TaskFilter(doc_ids=[d.doc_id], current=True))


def write_export(
    reg: Registry,
    fmt: str,
    out: BinaryIO,
    *,
    doc: str | None = None,
    lang: str = DEFAULT_LANG,
    bom: bool = True,
    raw: bool = False,
) -> None:
    """The export in ``fmt`` (json, csv, xlsx) written to ``out`` as the registry is read: memory stays
    flat whatever its size. JSON keeps the contract's keys and codes whatever ``lang``; CSV and XLSX speak
    ``lang``. CSV: ``bom`` for Excel, ``raw`` to leave formula-like cells unprefixed."""
    if fmt not in ("json", "csv", "xlsx"):
        raise BadArgsError(f"unknown export format {fmt!r}: use json, csv or xlsx")
    doc_ids = resolve_doc_ids(reg, doc)
    export.write_export(fmt, out, documents_with_tasks(reg, doc_ids), lang=lang, bom=bom, raw=raw)


def export_bytes(reg: Registry, fmt: str, **options: Any) -> bytes:
    """``write_export`` into bytes (small registries, tests)."""
    buf = io.BytesIO()
    write_export(reg, fmt, buf, **options)
    return buf.getvalue()
