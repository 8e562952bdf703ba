"""A task as registry rows and back, each value stored once.

A ``tasks`` row holds the columns queries filter and sort on (``models.task.task_fields``) plus
``extra``: compact JSON of only what has no column and differs from its default (section title, output,
the deadline's recurrence/condition/milestones, pages, parser versions, and the task as found, ``raw``,
minus every field it shares with the task). Agencies are ``task_agencies`` rows (``pos`` keeps their
order; ``raw`` is NULL when it reads as the canonical name; ``score`` NULL when 1.0). Reading joins
them back into the same ``Task``: the round trip is exact (tests/models/test_registry.py).

Before schema 3 each row also carried its whole record as JSON beside these columns: 4.9 KB a task.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

from models.task import AgencyRef, Deadline, Milestone, RawTask, Task, task_fields

_COLUMNS = ("task_id", "doc_id", "source", "annex", "section", "stt", "text", "deadline_kind", "deadline_due",
            "method", "confidence")  # fmt: skip
_SHARED_WITH_RAW = ("source", "annex", "section", "section_title", "stt", "text", "pages", "method", "confidence",
                    "order")  # fmt: skip
_TASK_DEFAULTS = {"section_title": None, "output": None, "status": None, "pages": [], "parser_versions": {}}


# ``extra`` is zlib-compressed with a preset dictionary of what such records repeat (keys, parser versions,
# the commonest words of the documents): a record of 650 bytes takes about 300. The first byte names the
# dictionary, so a later one can be added without rewriting stored rows.
_ZDICT_V1 = (
    "Ủy ban nhân dân tỉnh UBND tỉnh Văn phòng UBND tỉnh Công an tỉnh Sở Tài chính Sở Nội vụ Sở Tư pháp "
    "Sở Khoa học và Công nghệ Sở Giáo dục và Đào tạo Sở Y tế Sở Xây dựng Sở Công Thương các sở, ban, ngành "
    "UBND các huyện, thị xã, thành phố UBND cấp xã các cơ quan, đơn vị, địa phương liên quan "
    "Ban Chỉ đạo chuyển đổi số phát triển khoa học, công nghệ, đổi mới sáng tạo Đề án 06 dữ liệu "
    "Tổ chức triển khai thực hiện nhiệm vụ, giải pháp; tham mưu, báo cáo kết quả Văn bản chỉ đạo "
    "Kế hoạch Báo cáo Quý I Quý II Quý III Quý IV năm 2026 Hằng tháng Hằng quý Thường xuyên Trước ngày "
    '"deadline_raw":"Trước ngày ","recurrence":"monthly","recurrence":"quarterly","condition":"'
    '{"section_title":"","output":"","status":"","pages":[1],"parser_versions":{"extract":"tables.v2",'
    '"agency":"agency.v3","deadline":"deadline.v2","normalise":"normalise.v1"},"parser_versions":{"extract":'
    '"directives.v1","agency":"agency.v3","deadline":"deadline.v2","normalise":"normalise.v1"},'
    '"deadline":{"raw":"Thường xuyên"},"raw":{"lead_raw":"","co_raw":"","output_raw":"","deadline_raw":"",'
    '"raw_cells":{"text":"","lead":null,"co":null,"output":null,"deadline":null,"stt":null}}}'
).encode()
_PACKED = {1: _ZDICT_V1}


def pack_extra(value: dict[str, Any]) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    packer = zlib.compressobj(9, zdict=_ZDICT_V1)
    return b"\x01" + packer.compress(text) + packer.flush()


def unpack_extra(blob: bytes) -> dict[str, Any]:
    unpacker = zlib.decompressobj(zdict=_PACKED[blob[0]])
    return json.loads(unpacker.decompress(blob[1:]) + unpacker.flush())  # type: ignore[no-any-return]


def _raw_base(t: Task) -> dict[str, Any]:
    """What the task as found is assumed to read unless ``extra.raw`` says otherwise: the task's own values."""
    fields = task_fields(t) | {
        "deadline_raw": t.deadline.raw,
        "parser_version": t.parser_versions.get("extract"),
    }
    return {k: fields[k] for k in (*_SHARED_WITH_RAW, "deadline_raw", "parser_version")}


def _raw_extra(t: Task) -> dict[str, Any]:
    """The task as found, minus what it shares with the task, defaults, and the cells its ``*_raw`` repeat."""
    raw = t.raw.model_dump(mode="json")
    # a cell the ``*_raw`` field repeats is kept as null (its key and place, not its text)
    raw["raw_cells"] = {k: None if _cell_source(raw, k) == v else v for k, v in raw["raw_cells"].items()}
    base = _raw_base(t)
    return {
        k: v
        for k, v in raw.items()
        if (v != base[k] if k in base else v != RawTask.model_fields[k].get_default())
    }


def task_row(t: Task) -> dict[str, object]:
    """The ``tasks`` row of ``t``."""
    fields = task_fields(t)
    extra: dict[str, Any] = {k: fields[k] for k in ("section_title", "output", "status", "pages")}
    extra["parser_versions"] = t.parser_versions
    extra = {k: v for k, v in extra.items() if v != _TASK_DEFAULTS[k]}
    d = t.deadline
    deadline = {"raw": d.raw, "recurrence": d.recurrence, "condition": d.condition,
                "milestones": [m.model_dump(mode="json") for m in d.milestones]}  # fmt: skip
    if deadline := {k: v for k, v in deadline.items() if v}:
        extra["deadline"] = deadline
    if raw := _raw_extra(t):
        extra["raw"] = raw
    return {k: fields[k] for k in _COLUMNS} | {
        "ord": t.order,
        "leads": len(t.lead),
        "extra": pack_extra(extra) if extra else None,
        # logical documents (migration 2): kept in columns, since a later version or a clerk changes them
        "superseded_by": t.superseded_by,
        "corrected": json.dumps(t.corrected) if t.corrected else None,
    }


def agency_rows(t: Task) -> list[dict[str, object]]:
    """The ``task_agencies`` rows of ``t``: lead agencies, then co-operating ones, in printed order.

    A lead named twice keeps its place but is stored as role ``dup``, so that a per-agency count of lead
    rows counts the task once (as the status always has); it reads back as a lead.
    """
    due = t.deadline.due.isoformat() if t.deadline.due else None
    leads = [a.name for a in t.lead]
    return [
        {
            "task_id": t.task_id, "role": "dup" if role == "lead" and a.name in leads[:pos] else role, "pos": pos,
            "name": a.name, "kind": a.kind, "raw": None if a.raw == a.name else a.raw,
            "score": None if a.score == 1.0 else a.score, "deadline_due": due,
            "superseded": 1 if t.superseded_by else None,  # the task's state, for the counts (migration 5)
        }
        for role, refs in (("lead", t.lead), ("co", t.co))
        for pos, a in enumerate(refs)
    ]


def task_from_row(row: Mapping[str, Any], agencies: Iterable[Mapping[str, Any]]) -> Task:
    """The ``Task`` a ``tasks`` row and its ``task_agencies`` rows (any order) were made from."""
    extra: dict[str, Any] = unpack_extra(row["extra"]) if row["extra"] else {}
    refs: dict[str, list[tuple[int, AgencyRef]]] = {"lead": [], "co": []}
    for a in agencies:
        ref = AgencyRef(name=a["name"], raw=a["raw"] if a["raw"] is not None else a["name"], kind=a["kind"],
                        score=a["score"] if a["score"] is not None else 1.0)  # fmt: skip
        refs["lead" if a["role"] == "dup" else a["role"]].append((a["pos"], ref))
    dl = extra.get("deadline", {})
    deadline = Deadline(
        raw=dl.get("raw"), kind=row["deadline_kind"], due=row["deadline_due"], recurrence=dl.get("recurrence"),
        condition=dl.get("condition"), milestones=[Milestone(**m) for m in dl.get("milestones", [])],
    )  # fmt: skip
    own = {k: row[k] for k in ("task_id", "doc_id", "source", "annex", "section", "stt", "text", "method",
                               "confidence")}  # fmt: skip
    own |= {k: extra.get(k, default) for k, default in _TASK_DEFAULTS.items()} | {"order": row["ord"]}
    own |= {"superseded_by": row.get("superseded_by"),
            "corrected": json.loads(row["corrected"]) if row.get("corrected") else []}  # fmt: skip
    raw_extra = extra.get("raw", {})
    base = {k: own[k] for k in _SHARED_WITH_RAW} | {
        "deadline_raw": deadline.raw,
        "parser_version": own["parser_versions"].get("extract"),
    }
    raw = base | raw_extra
    raw["raw_cells"] = {
        k: _cell_source(raw, k) if v is None else v for k, v in raw_extra.get("raw_cells", {}).items()
    }
    return Task(
        **own,
        lead=[r for _, r in sorted(refs["lead"], key=lambda p: p[0])],
        co=[r for _, r in sorted(refs["co"], key=lambda p: p[0])],
        deadline=deadline,
        raw=RawTask.model_validate(raw),
    )


def _cell_source(raw: Mapping[str, Any], key: str) -> object:
    """The field of the task as found that a raw cell reads as: ``lead`` → ``lead_raw``, ``text`` → ``text``."""
    return raw.get(f"{key}_raw", raw.get(key))
