"""What a clerk changes by hand: values typed on the command line or edited in the exported XLSX.

Both ways end in ``Registry.correct`` (audit trail, applied over parsed values in every output; see
``store.corrections``). Agencies a clerk types are split and named by the same gazetteer the parser uses,
so "Sở KH&CN; CA tỉnh" is stored as the two canonical names. ``review`` lists what to check first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ingest.resources import load_gazetteer
from models.errors import BadArgsError
from models.labels import LANGS, label
from models.task import Task
from parsers.normalisers.agency import split_agencies
from store.corrections import agencies_value, deadline_value, value_of
from store.registry import Registry, TaskFilter


def agencies(text: str) -> list[dict[str, Any]]:
    """Agencies as a clerk types them ("Sở KH&CN; Công an tỉnh"), named as the parser names them."""
    return agencies_value(split_agencies(text, load_gazetteer()))


def changes_from_options(
    *, lead: str | None, co: str | None, due: date | None, due_raw: str | None, text: str | None,
    status: str | None,
) -> dict[str, Any]:  # fmt: skip
    """``theodoi correct``'s options as field values (``store.corrections.FIELDS``)."""
    out: dict[str, Any] = {}
    if text is not None:
        out["text"] = " ".join(text.split())
    if lead is not None:
        out["lead"] = agencies(lead)
    if co is not None:
        out["co"] = agencies(co)
    if due is not None:
        out["deadline"] = deadline_value(due, due_raw)
    if status is not None:
        out["status"] = status.strip() or None
    return out


# -- the XLSX given back ---------------------------------------------------------------------------------

# sheet column (export field key) -> the correction field it edits
_EDITABLE = {"text": "text", "lead": "lead", "co": "co", "deadline_due": "deadline"}


@dataclass(frozen=True)
class CellChange:
    sheet: str
    row: int
    task_id: str
    field: str
    old: Any
    new: Any


def _columns(header: list[Any]) -> dict[str, int] | None:
    """{field key: column index} when this header row is an export's (task id column and one editable)."""
    names = {label(f"field.{key}", lang): key for lang in LANGS for key in ("task_id", *_EDITABLE)}
    found = {names[h.strip()]: i for i, h in enumerate(header) if isinstance(h, str) and h.strip() in names}
    return found if "task_id" in found and len(found) > 1 else None


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return None


def _cell_value(key: str, value: Any, task: Task) -> Any | None:
    """The correction a cell asks for, or None when it says what the registry already holds (or is empty)."""
    if key == "text":
        new = " ".join(str(value or "").split())
        return new if new and new != task.text else None
    if key in ("lead", "co"):
        typed = str(value or "").strip()
        shown = "; ".join(a.name for a in getattr(task, key))
        return agencies(typed) if typed != shown else None
    due = _as_date(value)
    return deadline_value(due) if due is not None and due != task.deadline.due else None


def _key(field: str, value: Any) -> Any:
    """What two values of a field are compared by: agency names, the due date, the text."""
    if field in ("lead", "co"):
        return tuple(a["name"] for a in value or [])
    if field == "deadline":
        return (value or {}).get("due")
    return value


def xlsx_changes(reg: Registry, path: Path) -> tuple[list[CellChange], list[str]]:
    """Cells of an exported workbook that differ from the registry (sheet by sheet), and task ids it
    names that the registry does not know. Nothing is written here.

    A task is in the workbook twice (the combined sheet and its document's sheet) and a clerk edits one
    copy: the other still holds the value from before. A cell holding a value the audit trail shows this
    field had before a correction is such a stale copy, not a change back.
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as e:
        raise BadArgsError(f"cannot read {path} as an XLSX workbook: {e}") from e
    tasks = {t.task_id: t for t in reg.tasks(TaskFilter())}
    before: dict[tuple[str, str], set[Any]] = {}
    for c in reg.corrections():
        before.setdefault((str(c["task_id"]), str(c["field"])), set()).add(_key(str(c["field"]), c["old"]))
    changes: list[CellChange] = []
    unknown: list[str] = []
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        columns = _columns(list(header or []))
        if columns is None:
            continue
        for r, row in enumerate(rows, start=2):
            task_id = row[columns["task_id"]] if columns["task_id"] < len(row) else None
            if not task_id:
                continue  # a section heading row
            task = tasks.get(str(task_id).strip())
            if task is None:
                unknown.append(str(task_id))
                continue
            for key, field in _EDITABLE.items():
                if key in columns and columns[key] < len(row):
                    new = _cell_value(key, row[columns[key]], task)
                    if new is not None and _key(field, new) not in before.get((task.task_id, field), set()):
                        changes.append(CellChange(ws.title, r, task.task_id, field, value_of(task, field), new))
    wb.close()
    return changes, unknown


# -- what to check first ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    task: Task
    reasons: list[str]  # label keys: review.low_confidence, review.no_lead, …


def review(reg: Registry, below: float = 0.8) -> list[ReviewItem]:
    """Current tasks with a low-confidence reading or a value the parser did not understand, least sure
    first; fields a person already corrected are not asked again."""
    items = []
    for t in reg.tasks(TaskFilter(current=True)):
        reasons = []
        if t.confidence < below:
            reasons.append("review.low_confidence")
        if "lead" not in t.corrected:
            if not t.lead:
                reasons.append("review.no_lead")
            elif any(a.kind == "unknown" or a.score < below for a in t.lead):
                reasons.append("review.unknown_agency")
        if "deadline" not in t.corrected and t.deadline.kind == "unknown":
            reasons.append("review.unknown_deadline")
        if reasons:
            items.append(ReviewItem(t, reasons))
    return sorted(items, key=lambda i: (i.task.confidence, -len(i.reasons)))
