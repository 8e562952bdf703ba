"""RawTask -> Task: agencies resolved against the gazetteer, deadlines parsed, stable task ids given.

A task's id depends only on the document and the task's place in it (``doc_id|source|annex|section|stt``
plus an occurrence counter for repeated keys), so re-ingesting the same bytes after a parser upgrade keeps
every id, and ``theodoi diff`` can pair revisions by place.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import date

from models.document import DocumentMeta
from models.task import RawTask, Task, task_id_for
from parsers.normalisers import agency, deadline
from parsers.normalisers.text import clean_cell

VERSION = "normalise.v1"


def task_id(doc_id: str, raw: RawTask, occurrence: int) -> str:
    return task_id_for(doc_id, raw.source, raw.annex, raw.section, raw.stt, occurrence)


def normalise_tasks(
    raws: Sequence[RawTask], doc_id: str, meta: DocumentMeta, gazetteer: agency.Gazetteer
) -> list[Task]:
    """Normalise every task of one document, in document order."""
    seen: Counter[tuple[str, str | None, str | None, str | None]] = Counter()
    doc_date = meta.issue_date
    if doc_date is None and meta.issue_month:
        # "ngày tháng 6 năm 2026": the year is what year-less deadlines need; the month's first day is
        # the earliest the document can be dated.
        year, month = (int(x) for x in meta.issue_month.split("-"))
        doc_date = date(year, month, 1)
    issuer = meta.issuer or agency.implied_issuer(
        (cell for raw in raws for cell in (raw.lead_raw, raw.co_raw)), gazetteer
    )
    leads = {id(raw): agency.split_agencies(raw.lead_raw, gazetteer, issuer) for raw in raws}
    # names read the same way in two cells at least: the document's own vocabulary of bodies
    seen = Counter(r.name for refs in leads.values() for r in refs)
    known = [r for refs in leads.values() for r in refs if seen[r.name] >= 2]
    out = []
    for raw in sorted(raws, key=lambda r: r.order):
        key = (raw.source, raw.annex, raw.section, raw.stt)
        occurrence = seen[key]
        seen[key] += 1
        out.append(
            Task(
                task_id=task_id(doc_id, raw, occurrence),
                doc_id=doc_id,
                source=raw.source,
                annex=raw.annex,
                section=raw.section,
                section_title=raw.section_title,
                stt=raw.stt,
                text=clean_cell(raw.text),
                lead=leads[id(raw)] or agency.damaged_cell(raw.lead_raw, known, gazetteer.rules),
                co=agency.split_agencies(raw.co_raw, gazetteer, issuer),
                output=clean_cell(raw.output_raw) or None,
                deadline=deadline.parse_deadline(raw.deadline_raw, doc_date),
                status=clean_cell(raw.status_raw) or None,
                pages=list(raw.pages),
                method=raw.method,
                confidence=raw.confidence,
                order=raw.order,
                raw=raw,
                parser_versions={
                    "extract": raw.parser_version,
                    "agency": agency.VERSION,
                    "deadline": deadline.VERSION,
                    "normalise": VERSION,
                },
            )
        )
    return out
