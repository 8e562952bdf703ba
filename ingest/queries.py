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


def find_documents(reg: Registry, ref: str) -> list[Document]:
    """Logical documents ``ref`` names: ``Registry.find_documents`` is the one rule (number as printed,
    compared without case, accents or Đ/D; a doc-id or logical-id prefix of 4+ hex digits; a file name)."""
    return reg.find_documents(ref)


def resolve_document(reg: Registry, ref: str) -> Document:
    """The one logical document ``ref`` names, for every command that takes a document.

    Raises:
        BadArgsError: nothing matches, or several documents do (the candidates are listed; exit code 1).
    """
    found = find_documents(reg, ref)
    if not found:
        raise BadArgsError(f"no registered document matches {ref!r} (try `theodoi documents`)")
    if len(found) > 1:
        listed = "; ".join(
            f"{(d.logical_id or d.doc_id)[:12]} {d.meta.number or '(no number)'} "
            f"({', '.join(r.file for r in d.renditions) or d.file})"
            for d in found
        )
        raise BadArgsError(f"{ref!r} matches {len(found)} documents: {listed}; give a doc-id prefix instead")
    return found[0]


def resolve_doc_ids(reg: Registry, doc: str | None) -> list[str] | None:
    """A document reference to the stored rendition's doc id (a one-item list); None means all documents."""
    if doc is None:
        return None
    return [resolve_document(reg, doc).doc_id]


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
    all_versions: bool = False,
    role: str = "lead",
    limit: int | None = None,
) -> TaskFilter:
    """What a command's options select; superseded tasks are left out unless ``all_versions``; ``role``
    (lead, co, any) is the part ``agency`` plays: lead by default, so that ``tasks --agency X --overdue``
    gives the number ``status`` and the report give for X (issue 13: one number in every view)."""
    return TaskFilter(
        doc_ids=resolve_doc_ids(reg, doc),
        current=not all_versions,
        agencies=[resolve_agency(agency, reg)] if agency else None,
        roles=("lead", "co") if role == "any" else (role,),
        due_before=due_before,
        overdue_as_of=(as_of or date.today()) if overdue else None,
        limit=limit,
    )


def select_tasks(reg: Registry, **options: Any) -> list[Task]:
    """The tasks ``task_filter(reg, **options)`` selects, in document order."""
    return reg.tasks(task_filter(reg, **options))


def documents_with_tasks(
    reg: Registry, doc_ids: list[str] | None, *, all_versions: bool = False
) -> Iterator[tuple[Document, Iterator[Task]]]:
    """Each logical document (of ``doc_ids``, else all) with its tasks (in force unless ``all_versions``),
    read one document at a time."""
    for d in reg.iter_documents(doc_ids):
        yield d, reg.iter_tasks(TaskFilter(doc_ids=[d.logical_id or d.doc_id], current=not all_versions))


def write_export(
    reg: Registry,
    fmt: str,
    out: BinaryIO,
    *,
    doc: str | None = None,
    lang: str = DEFAULT_LANG,
    bom: bool = True,
    raw: bool = False,
    all_versions: bool = False,
) -> None:
    """The export in ``fmt`` (json, csv, xlsx) written to ``out`` as the registry is read: memory stays
    flat whatever its size. JSON keeps the contract's keys and codes whatever ``lang``; CSV and XLSX speak
    ``lang``. CSV: ``bom`` for Excel, ``raw`` to leave formula-like cells unprefixed. Superseded tasks are
    left out (the registry's current rule) unless ``all_versions``."""
    if fmt not in ("json", "csv", "xlsx"):
        raise BadArgsError(f"unknown export format {fmt!r}: use json, csv or xlsx")
    doc_ids = resolve_doc_ids(reg, doc)
    found = documents_with_tasks(reg, doc_ids, all_versions=all_versions)
    export.write_export(fmt, out, found, lang=lang, bom=bom, raw=raw)


def export_bytes(reg: Registry, fmt: str, **options: Any) -> bytes:
    """``write_export`` into bytes (small registries, tests)."""
    buf = io.BytesIO()
    write_export(reg, fmt, buf, **options)
    return buf.getvalue()
