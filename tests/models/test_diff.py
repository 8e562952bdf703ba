"""diff_tasks on the seed plan's real task rows, edited the ways revisions edit plans.

The base list is Annex I-III of seed 000 (119 tasks, with the real near-duplicates: tasks 26 and 66
print the same text); each case applies one kind of edit to a copy and checks what the diff reports.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from models.diff import (
    DiffSettings,
    diff_record,
    diff_tasks,
    fold,
    normalise_doc_number,
    word_diff,
)
from models.task import AgencyRef, Deadline, RawTask, Task
from samples._seed import plain, read_plan
from tests.shared_paths import SEEDS, needs_shared

SEED = SEEDS / "000_94a45bdc1ad02897.txt"


def _agencies(cell: str) -> list[AgencyRef]:
    return [AgencyRef(name=p.strip(), raw=p.strip()) for p in plain(cell).split(";") if p.strip()]


def _task(doc_id: str, annex: str, section: str | None, stt: str, cells: list[str], order: int) -> Task:
    text = plain(cells[1])
    due = date(2026, 1, 1) + timedelta(days=order * 3)  # distinct dated deadlines, to see them move
    return Task(
        task_id=f"{doc_id}-{order}", doc_id=doc_id, source="table", annex=annex, section=section, stt=stt,
        text=text, lead=_agencies(cells[2]), co=_agencies(cells[3]), output=plain(cells[4]) or None,
        deadline=Deadline(raw=due.strftime("%d/%m/%Y"), kind="date", due=due), pages=[1], order=order,
        raw=RawTask(source="table", text=text, pages=[1]),
    )  # fmt: skip


@pytest.fixture(scope="module")
def base() -> list[Task]:
    plan = read_plan(SEED.read_text(encoding="utf-8"))
    rows = [(a.name, r) for a in plan.annexes for r in a.tasks]
    return [_task("A", annex, r.section, plain(r.cells[0]), r.cells, i) for i, (annex, r) in enumerate(rows)]


def _as_b(tasks: list[Task]) -> list[Task]:
    return [
        t.model_copy(update={"doc_id": "B", "task_id": f"B-{i}", "order": i}) for i, t in enumerate(tasks)
    ]


def _edit(tasks: list[Task], i: int, **update: object) -> list[Task]:
    out = list(tasks)
    out[i] = out[i].model_copy(update=update)
    return out


def _renumber_after(tasks: list[Task], start: int, delta: int) -> list[Task]:
    """Shift the STT of every task from ``start`` to the end of its annex, as re-typesetting does."""
    annex = tasks[start].annex
    return [
        t.model_copy(update={"stt": str(int(t.stt) + delta)}) if i >= start and t.annex == annex else t
        for i, t in enumerate(tasks)
    ]


def _insert(tasks: list[Task], at: int, new: Task) -> list[Task]:
    return _renumber_after([*tasks[:at], new, *tasks[at:]], at + 1, 1)


def _new_task(like: Task, text: str) -> Task:
    return like.model_copy(update={"text": text, "lead": [AgencyRef(name="Sở Y tế", raw="Sở Y tế")]})


Edit = Callable[[list[Task]], list[Task]]
# (id, edit applied to B, expected counts, check on the diff)
CASES: list[tuple[str, Edit, dict[str, int]]] = [
    ("identical", lambda t: t, {"added": 0, "removed": 0, "changed": 0, "unchanged": 119, "renumbered": 0}),
    ("deadline later", lambda t: _edit(t, 14, deadline=Deadline(raw="30/6/2026", kind="date",
                                                                  due=date(2026, 6, 30))),
     {"added": 0, "removed": 0, "changed": 1, "unchanged": 118, "renumbered": 0}),
    ("lead re-assigned", lambda t: _edit(t, 20, lead=[AgencyRef(name="Sở Tài chính", raw="Sở Tài chính")]),
     {"added": 0, "removed": 0, "changed": 1, "unchanged": 118, "renumbered": 0}),
    ("reworded", lambda t: _edit(t, 30, text=t[30].text.replace("khẩn trương", "tiếp tục")),
     {"added": 0, "removed": 0, "changed": 1, "unchanged": 118, "renumbered": 0}),
    ("inserted, rest renumbered",
     lambda t: _insert(t, 11, _new_task(t[11], "Xây dựng Đề án ứng dụng trí tuệ nhân tạo trong khám chữa bệnh tại "
                                              "các bệnh viện tuyến tỉnh")),
     {"added": 1, "removed": 0, "changed": 0, "unchanged": 119, "renumbered": 78}),
    ("removed, rest renumbered", lambda t: _renumber_after(t[:40] + t[41:], 40, -1),
     {"added": 0, "removed": 1, "changed": 0, "unchanged": 118, "renumbered": 48}),
    ("same key, unrelated text",
     lambda t: _edit(t, 5, text="Tổ chức giải chạy việt dã truyền thống chào mừng ngày thành lập tỉnh Đắk Lắk"),
     {"added": 1, "removed": 1, "changed": 0, "unchanged": 118, "renumbered": 0}),
    ("shuffled by key only", lambda t: list(reversed(t)),
     {"added": 0, "removed": 0, "changed": 0, "unchanged": 119, "renumbered": 0}),
]  # fmt: skip


@needs_shared
@pytest.mark.parametrize(("name", "edit", "counts"), CASES, ids=[c[0] for c in CASES])
def test_counts_for_each_kind_of_edit(
    base: list[Task], name: str, edit: Edit, counts: dict[str, int]
) -> None:
    d = diff_tasks(base, _as_b(edit(base)), DiffSettings())
    assert d.counts == counts


@needs_shared
def test_deadline_moved_later_by_days(base: list[Task]) -> None:
    b = _as_b(_edit(base, 14, deadline=Deadline(raw="30/6/2026", kind="date", due=date(2026, 6, 30))))
    (change,) = diff_tasks(base, b).changed
    assert change.changes == ["deadline"]
    assert change.deadline is not None and change.deadline.direction == "later"
    assert change.deadline.days == (date(2026, 6, 30) - base[14].deadline.due).days  # type: ignore[operator]


@needs_shared
def test_deadline_moved_earlier(base: list[Task]) -> None:
    b = _as_b(_edit(base, 50, deadline=Deadline(raw="15/01/2026", kind="date", due=date(2026, 1, 15))))
    (change,) = diff_tasks(base, b).changed
    assert change.deadline is not None and change.deadline.direction == "earlier"
    assert change.deadline.days == (date(2026, 1, 15) - base[50].deadline.due).days  # type: ignore[operator]


@needs_shared
def test_lead_reassigned_names_who_left_and_who_came(base: list[Task]) -> None:
    b = _as_b(_edit(base, 20, lead=[AgencyRef(name="Sở Tài chính", raw="STC")]))
    (change,) = diff_tasks(base, b).changed
    assert change.changes == ["lead"]
    assert change.lead is not None
    assert change.lead.added == ["Sở Tài chính"]
    assert change.lead.removed == [a.name for a in base[20].lead]


@needs_shared
def test_co_agency_added_and_output_changed(base: list[Task]) -> None:
    co = [*base[7].co, AgencyRef(name="Công an tỉnh", raw="Công an tỉnh")]
    b = _as_b(_edit(base, 7, co=co, output="Kế hoạch và báo cáo kết quả"))
    (change,) = diff_tasks(base, b).changed
    assert change.changes == ["co", "output"]
    assert change.co is not None and change.co.added == ["Công an tỉnh"] and change.co.removed == []
    assert (change.output_before, change.output_after) == (base[7].output, "Kế hoạch và báo cáo kết quả")


@needs_shared
def test_renumbered_task_pairs_by_content_not_by_its_old_number(base: list[Task]) -> None:
    new = _new_task(base[11], "Xây dựng Đề án ứng dụng trí tuệ nhân tạo trong khám chữa bệnh")
    d = diff_tasks(base, _as_b(_insert(base, 11, new)))
    (added,) = d.added
    assert added.text == new.text
    moved = next(c for c in d.unchanged if c.a.task_id == base[11].task_id)
    assert (moved.a.stt, moved.b.stt, moved.paired_by) == ("12", "13", "content")


@needs_shared
def test_identical_texts_in_two_places_pair_by_place(base: list[Task]) -> None:
    twins = [i for i, t in enumerate(base) if fold(t.text) == fold(base[25].text)]
    assert len(twins) == 2, "the seed prints task 26 twice (as 26 and 66)"
    d = diff_tasks(base, _as_b(base))
    pairs = {c.a.task_id: c.b.task_id for c in d.unchanged}
    assert [pairs[base[i].task_id] for i in twins] == [f"B-{i}" for i in twins]


@needs_shared
def test_without_keys_content_alone_pairs(base: list[Task]) -> None:
    b = _as_b([t.model_copy(update={"stt": None, "section": None, "annex": None}) for t in base])
    d = diff_tasks(base, b, by_key=False)
    assert d.counts["unchanged"] >= 118  # the two identical twins may swap, everything else pairs
    assert d.added == [] and d.removed == []


@needs_shared
def test_record_is_json_ready(base: list[Task]) -> None:
    import json

    b = _as_b(_edit(base, 30, text=base[30].text.replace("khẩn trương", "tiếp tục")))
    rec = diff_record(diff_tasks(base, b))
    again = json.loads(json.dumps(rec, ensure_ascii=False))
    assert again["counts"]["changed"] == 1
    assert again["changed"][0]["text"] == [{"deleted": "khẩn trương", "inserted": "tiếp tục"}]


WORD_DIFFS = [
    ("Quý I năm 2026", "trong Quý II năm 2026", [("", "trong"), ("I", "II")]),
    ("Sở Nội vụ chủ trì", "Sở Nội vụ chủ trì", []),
    ("Hoà Bình", "hòa bình", []),  # tone placement and case are not rewording
    ("rà soát, tham mưu", "rà soát, đề xuất và tham mưu", [("", "đề xuất và")]),
    ("báo cáo trước ngày 30/01/2026", "báo cáo", [("trước ngày 30/01/2026", "")]),
]


@pytest.mark.parametrize(("before", "after", "hunks"), WORD_DIFFS)
def test_word_diff(before: str, after: str, hunks: list[tuple[str, str]]) -> None:
    ops, found = word_diff(before, after)
    assert [(h.deleted, h.inserted) for h in found] == hunks
    assert " ".join(o.text for o in ops if o.op != "delete") == after


NUMBERS = [
    ("15/KH-BCĐ", "15/KH/BCD"),
    ("15 /KH-BCD", "15/KH/BCD"),
    ("15-KH/BCĐ", "15/KH/BCD"),
    ("Số: 015/kh-bcđ", "15/KH/BCD"),
    ("07-KH/BCĐ", "7/KH/BCD"),
    ("/UBND-KGVX", "/UBND/KGVX"),
    ("", ""),
]


@pytest.mark.parametrize(("number", "key"), NUMBERS)
def test_normalise_doc_number(number: str, key: str) -> None:
    assert normalise_doc_number(number) == key
