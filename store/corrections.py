"""Corrections a person made to a task: values that win over what the parser read, for as long as the task id lives.

Each correction is a row of the registry's ``corrections`` table (an audit trail: task id, field, old and
new value as JSON, when, by whom). The registry applies the latest correction of each field whenever it
(re)writes a document's tasks, so a correction survives ``ingest --force`` and a parser upgrade: task ids
derive from the document and the task's place in it, not from what the parser read. A correction whose
task id no longer exists is an *orphan* (listed by ``theodoi corrections``), never silently applied
elsewhere.

Fields are named as in the export contract: ``text``, ``lead``, ``co``, ``deadline`` (set from a due
date), ``status``. This module is pure: values in, values out.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from models.task import AgencyRef, Deadline, Task

FIELDS = ("text", "lead", "co", "deadline", "status")


def value_of(task: Task, field: str) -> Any:
    """A task's field as JSON-able data (what an audit row keeps as "old")."""
    if field in ("lead", "co"):
        return [{"name": a.name, "raw": a.raw, "kind": a.kind} for a in getattr(task, field)]
    if field == "deadline":
        d = task.deadline
        return {"raw": d.raw, "kind": d.kind, "due": d.due.isoformat() if d.due else None}
    if field in ("text", "status"):
        return getattr(task, field)
    raise ValueError(f"unknown field {field!r}: one of {', '.join(FIELDS)}")


def deadline_value(due: date, raw: str | None = None) -> dict[str, Any]:
    """The value of a corrected deadline: a fixed date (as the clerk wrote it, else dd/mm/yyyy)."""
    return {"raw": raw or due.strftime("%d/%m/%Y"), "kind": "date", "due": due.isoformat()}


def agencies_value(refs: list[AgencyRef]) -> list[dict[str, Any]]:
    return [{"name": a.name, "raw": a.raw, "kind": a.kind} for a in refs]


def apply(task: Task, field: str, value: Any) -> Task:
    """``task`` with ``field`` set to ``value`` (JSON-able, as ``value_of`` gives) and marked corrected."""
    update: dict[str, Any]
    if field in ("lead", "co"):
        update = {field: [AgencyRef(name=a["name"], raw=a["raw"], kind=a.get("kind", "agency")) for a in value]}
    elif field == "deadline":
        due = date.fromisoformat(value["due"]) if value.get("due") else None
        update = {"deadline": Deadline(raw=value.get("raw"), kind=value.get("kind", "date"), due=due)}
    elif field in ("text", "status"):
        update = {field: value}
    else:
        raise ValueError(f"unknown field {field!r}: one of {', '.join(FIELDS)}")
    corrected = sorted({*task.corrected, field}, key=FIELDS.index)
    return task.model_copy(update=update | {"corrected": corrected})


def apply_all(task: Task, latest: dict[str, str]) -> Task:
    """Apply the latest correction of each field (``{field: new value as JSON}``)."""
    for field, new in latest.items():
        task = apply(task, field, json.loads(new))
    return task


def shown(value: Any) -> str:
    """A field value in one line for people: names joined with "; ", a deadline as printed."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(a.get("name", a)) if isinstance(a, dict) else str(a) for a in value)
    if isinstance(value, dict):
        return str(value.get("raw") or value.get("due") or "")
    return str(value)
