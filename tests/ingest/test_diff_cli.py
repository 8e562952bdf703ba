"""``theodoi diff`` and ``theodoi status`` on the plan 15/KH-BCĐ and its revision 21/KH-BCĐ.

The expected diff ``samples/expected/kh15_plan_v2.diff.json`` was written by hand from the edit list in
``samples/make_v2.py``. It is checked twice: on the ground-truth task lists of both versions (the
``*.tasks.json`` files written from the seed), through the real CLI and a real SQLite registry; and on
the two rendered PDFs read by the whole pipeline (``ingest.pipeline.parse_bytes``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from ingest.cli import main
from models.document import DocRef, Document, DocumentMeta
from models.errors import ExitCode
from models.task import AgencyRef, Deadline, RawTask, Task
from store.registry import Registry

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EXPECTED = json.loads((SAMPLES / "expected" / "kh15_plan_v2.diff.json").read_text(encoding="utf-8"))


def _deadline(d: dict[str, Any]) -> Deadline:
    due = date.fromisoformat(d["due"]) if d["due"] else None
    return Deadline(
        raw=d["raw"], kind=d["kind"], due=due, recurrence=d["recurrence"], condition=d["condition"]
    )


def ground_truth(name: str, doc_id: str, cites: list[str]) -> tuple[Document, list[Task]]:
    """A registered-looking document and its tasks, straight from ``samples/expected/<name>.tasks.json``."""
    data = json.loads((SAMPLES / "expected" / f"{name}.tasks.json").read_text(encoding="utf-8"))
    doc = data["document"]
    meta = DocumentMeta(
        doc_type=doc["doc_type"], number=doc["number"], issue_date=date.fromisoformat(doc["issue_date"]),
        issue_month=doc["issue_month"], subject=doc["subject"],
        references=[DocRef(raw=f"Kế hoạch số {n}", doc_type="KẾ HOẠCH", number=n) for n in cites],
    )  # fmt: skip
    tasks = []
    for i, t in enumerate(data["tasks"]):
        tasks.append(Task(
            task_id=f"{doc_id}-{i:03d}", doc_id=doc_id, source=t["source"], annex=t["annex"], section=t["section"],
            section_title=t["section_title"], stt=t["stt"], text=t["text"],
            lead=[AgencyRef(**a) for a in t["lead"]], co=[AgencyRef(**a) for a in t["co"]], output=t["output"],
            deadline=_deadline(t["deadline"]), pages=t["pages"], order=i,
            raw=RawTask(source=t["source"], text=t["text"], pages=t["pages"]),
        ))  # fmt: skip
    return Document(doc_id=doc_id, file=data["file"], meta=meta, pages=1, task_count=len(tasks)), tasks


def _key(t: dict[str, Any]) -> str:
    return "/".join(str(x) for x in (t["annex"] or t["source"], t["section"], t["stt"]))


def project(rec: dict[str, Any], a_number: str, b_number: str) -> dict[str, Any]:
    """A diff record reduced to what the hand-written expectation states."""
    changed = []
    for c in rec["changed"]:
        item = {"a": _key(c["a"]), "b": _key(c["b"]), "changes": c["changes"]}
        for field in ("text", "lead", "co", "output"):
            if c[field] is not None:
                item[field] = c[field]
        if c["deadline"] is not None:
            item["deadline"] = {k: c["deadline"][k] for k in ("before", "after", "days", "direction")}
        changed.append(item)
    return {
        "a": a_number,
        "b": b_number,
        "by_key": rec["by_key"],
        "counts": rec["counts"],
        "added": [{"key": _key(t), "text": t["text"]} for t in rec["added"]],
        "removed": [{"key": _key(t), "text": t["text"]} for t in rec["removed"]],
        "renumbered": [
            [k.replace("PL ", "").replace(" · ", "/") for k in (u["a_key"], u["b_key"])]
            for u in rec["unchanged"]
            if u["renumbered"]
        ],
        "changed": changed,
    }


def expected() -> dict[str, Any]:
    return {k: v for k, v in EXPECTED.items() if not k.startswith("_")}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One registry for the module: the tests only read it (diff and status write nothing)."""
    db = tmp_path_factory.mktemp("diff") / "registry.sqlite"
    with Registry(db) as reg:
        reg.save_document(*ground_truth("kh15_plan", "a" * 64, cites=[]))
        # the revision cites the first version as the annexes print it ("KH-BCD", no Đ)
        reg.save_document(*ground_truth("kh15_plan_v2", "b" * 64, cites=["15/KH-BCD"]))
    return db


def test_cli_diff_json_matches_the_hand_written_diff(registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff.json"
    # B named by a differently printed number: normalised lookup ("21-KH/BCD" == "21/KH-BCĐ")
    code = main(["diff", "15/KH-BCĐ", "21-KH/BCD", "--db", str(registry), "-f", "json", "-o", str(out)])
    assert code == ExitCode.ok
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert (rec["a"]["number"], rec["b"]["number"]) == ("15/KH-BCĐ", "21/KH-BCĐ")
    assert project(rec, rec["a"]["number"], rec["b"]["number"]) == expected()


def test_cli_diff_html_is_offline_and_marks_words(registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    assert main(["diff", "15/KH-BCĐ", "21/KH-BCĐ", "--db", str(registry), "-f", "html", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<del>khẩn trương</del>" in html and "<ins>tiếp tục</ins>" in html
    assert "(+91 ngày, lùi)" in html and "(-92 ngày, sớm hơn)" in html
    assert html.count('class="card changed"') == EXPECTED["counts"]["changed"]
    assert "http://" not in html and "https://" not in html and "<link" not in html


def test_cli_diff_xlsx_has_one_row_per_change(registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff.xlsx"
    assert main(["diff", "15/KH-BCĐ", "21/KH-BCĐ", "--db", str(registry), "-f", "xlsx", "-o", str(out)]) == 0
    wb = load_workbook(out)
    counts = EXPECTED["counts"]
    assert wb.sheetnames == ["Tóm tắt", "Thay đổi", "Thêm mới", "Bị bỏ"]
    assert wb["Thay đổi"].max_row - 1 == counts["changed"]
    assert wb["Thêm mới"].max_row - 1 == counts["added"]
    assert wb["Bị bỏ"].max_row - 1 == counts["removed"]
    days = [row[10] for row in wb["Thay đổi"].iter_rows(min_row=2, values_only=True) if row[10] is not None]
    assert sorted(days) == sorted(c["deadline"]["days"] for c in EXPECTED["changed"] if "deadline" in c)


def test_cli_diff_terminal(registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff.txt"
    assert main(["diff", "15/KH-BCĐ", "21/KH-BCĐ", "--db", str(registry), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "2 thêm, 1 bỏ, 9 thay đổi, 123 giữ nguyên (5 đổi số thứ tự)" in text
    assert "[-khẩn trương-]" in text and "{+tiếp tục+}" in text  # no colour in a file: wdiff marks
    # table cells wrap, so look for the shifts, not whole phrases
    assert all(f"({c['deadline']['days']:+d}" in text for c in EXPECTED["changed"] if "deadline" in c)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["diff", "99/KH-XYZ", "15/KH-BCĐ"], ExitCode.bad_args),  # nothing matches
        (["diff", "15/KH-BCĐ", "21/KH-BCĐ", "-f", "xlsx"], ExitCode.bad_args),  # xlsx needs -o
        (
            ["diff", "15/KH-BCĐ", "21/KH-BCĐ", "--by-key", "no", "-f", "json", "-o", "{tmp}/x.json"],
            ExitCode.ok,
        ),
    ],
)
def test_cli_diff_exit_codes(registry: Path, tmp_path: Path, args: list[str], code: int) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main([*args, "--db", str(registry)]) == code


def test_status_follows_the_revision(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    as_of, soon = date(2026, 4, 15), 15
    assert main(["status", "--db", str(registry), "--as-of", as_of.isoformat(), "--soon-days", str(soon),
                 "--json"]) == 0  # fmt: skip
    rec = json.loads(capsys.readouterr().out)
    _, a_tasks = ground_truth("kh15_plan", "a" * 64, [])
    _, b_tasks = ground_truth("kh15_plan_v2", "b" * 64, [])
    # in force: every task of the revision, plus the first version's tasks the revision dropped
    removed = {r["key"] for r in EXPECTED["removed"]}
    in_force = b_tasks + [t for t in a_tasks if f"{t.annex}/{t.section}/{t.stt}" in removed]
    want_overdue = {t.task_id for t in in_force if t.deadline.due and t.deadline.due < as_of}
    want_soon = {
        t.task_id for t in in_force if t.deadline.due and as_of <= t.deadline.due <= date(2026, 4, 30)
    }
    got_overdue = {t["task_id"] for a in rec["agencies"] for t in a["overdue"]}
    got_soon = {t["task_id"] for a in rec["agencies"] for t in a["due_soon"]}
    assert got_overdue == want_overdue and got_soon == want_soon
    assert rec["superseded"] == len(a_tasks) - len(removed)
    assert rec["follow_ups"] == [
        {"earlier": "15/KH-BCĐ", "later": "21/KH-BCĐ", "raw": "Kế hoạch số 15/KH-BCD"}
    ]
    # the task moved from Quý I to Quý II is not overdue; the one moved to 30/4/2026 is due soon
    assert "a" * 64 + "-" not in " ".join(got_overdue)
    moved = next(t for t in b_tasks if (t.annex, t.section, t.stt) == ("I", "IV", "21"))
    assert moved.task_id in got_soon


@pytest.mark.slow
def test_rendered_pdfs_diff_matches_the_hand_written_diff(tmp_path: Path) -> None:
    """Both PDFs given as paths: ingested on the fly by the whole pipeline, then diffed; the diff
    must be exactly the edits made, and key pairing must switch on because 21/KH-BCĐ cites 15/KH-BCĐ."""
    db, out = tmp_path / "registry.sqlite", tmp_path / "diff.json"
    args = ["diff", str(SAMPLES / "kh15_plan.pdf"), str(SAMPLES / "kh15_plan_v2.pdf"), "--db", str(db)]
    assert main([*args, "-f", "json", "-o", str(out)]) == ExitCode.ok
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert project(rec, rec["a"]["number"], rec["b"]["number"]) == expected()
    with Registry(db) as reg:
        assert sorted(d.file for d in reg.documents()) == ["kh15_plan.pdf", "kh15_plan_v2.pdf"]
