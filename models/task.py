"""Tasks before and after normalisation, with the agency and deadline values an analyst filters on.

The JSON export contract (../shared/export-contract.md) is produced from these models by
``store.export.task_record``; fields are only ever added.
"""

import hashlib
from datetime import date
from typing import Literal

from models.base import Frozen
from models.page import Method

AgencyKind = Literal["agency", "group", "unknown"]
DeadlineKind = Literal[
    "date", "month", "quarter", "half_year", "year", "recurring", "ongoing", "conditional", "unknown", "none"
]
Source = Literal["table", "prose"]


class AgencyRef(Frozen):
    """One body named in a lead/co cell: canonical name plus the text as printed."""

    name: str
    raw: str
    kind: AgencyKind = "agency"
    score: float = 1.0  # match quality 0..1 (1.0 = exact alias match)


class Milestone(Frozen):
    due: date
    text: str


class Deadline(Frozen):
    """A deadline phrase resolved to the last day it allows ("Quý II/2026" -> 2026-06-30)."""

    raw: str | None = None
    kind: DeadlineKind = "none"
    due: date | None = None
    recurrence: str | None = None
    condition: str | None = None
    milestones: list[Milestone] = []


class Placed(Frozen):
    """Where a task stands in its document and what it says: shared by the raw and the normalised task,
    so that provenance (source, annex, section, STT) has one declaration."""

    source: Source
    annex: str | None = None
    section: str | None = None
    section_title: str | None = None
    stt: str | None = None
    text: str


class RawTask(Placed):
    """A task as found in the document: cell or sentence text as printed, before normalisation.

    Carries its provenance so that any value in the registry can be traced to a page and a cell.
    """

    lead_raw: str | None = None
    co_raw: str | None = None
    output_raw: str | None = None
    deadline_raw: str | None = None
    status_raw: str | None = None  # a tracking report's status cell as printed ("Đang thực hiện (trong hạn)")
    pages: list[int]
    method: Method = "text"
    confidence: float = 1.0
    raw_cells: dict[str, str] = {}  # field name -> cell text exactly as extracted (before joining)
    order: int = 0  # position of the task in its document (0-based), for stable ordering
    parser_version: str = "tables.v1"


def task_id_for(key: str, source: str, annex: str | None, section: str | None, stt: str | None, occurrence: int) -> str:
    """A task's id: its document key (the logical document's id) and its place in it.

    The registry re-derives ids with the logical document's id, so every rendition of one document gives
    its tasks the same ids; a document with one file has logical id == doc id, so its ids never changed.
    """
    parts = [key, source, annex or "", section or "", stt or "", str(occurrence)]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


class Task(Placed):
    """A normalised task, ready for the registry."""

    task_id: str
    doc_id: str
    lead: list[AgencyRef] = []
    co: list[AgencyRef] = []
    output: str | None = None
    deadline: Deadline = Deadline()
    status: str | None = None  # as printed in a tracking report, or set by a person; None otherwise
    pages: list[int]
    method: Method = "text"
    confidence: float = 1.0
    order: int = 0
    raw: RawTask
    parser_versions: dict[str, str] = {}
    corrected: list[str] = []  # contract field names a person changed (``theodoi correct``)
    superseded_by: str | None = None  # the later task (or replacing document) in force; None when current


def task_fields(t: Task) -> dict[str, object]:
    """The task's own scalar fields, flat and JSON-ready: the one place a task becomes a dict.

    The export contract record, its CSV row, the diff's brief and the registry's row each start from
    these and add only what is theirs (the document, agencies as dicts or names, storage columns).
    """
    return {
        "task_id": t.task_id,
        "doc_id": t.doc_id,
        "source": t.source,
        "annex": t.annex,
        "section": t.section,
        "section_title": t.section_title,
        "stt": t.stt,
        "text": t.text,
        "output": t.output,
        "deadline_raw": t.deadline.raw,
        "deadline_kind": t.deadline.kind,
        "deadline_due": t.deadline.due.isoformat() if t.deadline.due else None,
        "status": t.status,
        "pages": list(t.pages),
        "method": t.method,
        "confidence": t.confidence,
        "order": t.order,
    }
