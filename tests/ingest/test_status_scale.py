"""``theodoi status`` counted in SQL: the counts stay whole when the lists are cut (issue 15)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.status import classify
from store.registry import Registry
from tests.ingest.test_diff_cli import ground_truth

AS_OF = date(2026, 4, 15)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("status") / "registry.sqlite"
    with Registry(path) as reg:
        reg.save_document(*ground_truth("kh15_plan", "a" * 64, cites=[]))
        reg.save_document(*ground_truth("kh15_plan_v2", "b" * 64, cites=["15/KH-BCD"]))
    return str(path)


def _status(db: str, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["status", "--db", db, "--as-of", AS_OF.isoformat(), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_limit_cuts_the_lists_not_the_counts(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    whole = _status(db, capsys)
    cut = _status(db, capsys, "--limit", "1")
    assert [a["agency"] for a in whole["agencies"]] == [a["agency"] for a in cut["agencies"]]
    for w, c in zip(whole["agencies"], cut["agencies"], strict=True):
        assert (w["overdue_count"], w["due_soon_count"]) == (len(w["overdue"]), len(w["due_soon"]))
        assert (c["overdue_count"], c["due_soon_count"]) == (w["overdue_count"], w["due_soon_count"])
        assert len(c["overdue"]) <= 1 and c["overdue"] == w["overdue"][:1]
    assert any(len(w["overdue"]) > 1 for w in whole["agencies"])


def test_counts_match_the_tasks_classified_one_by_one(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    rec = _status(db, capsys)
    with Registry(db) as reg:
        tasks = reg.tasks()
    superseded = rec["superseded"]
    late = {t["task_id"] for a in rec["agencies"] for t in a["overdue"]}
    assert late == {t.task_id for t in tasks if classify(t, AS_OF, 14) == "overdue"} - _superseded_ids(db)
    assert superseded > 0


def _superseded_ids(db: str) -> set[str]:
    with Registry(db) as reg:
        return set(reg.superseded())


def test_the_table_names_every_agency_and_details_the_top(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--db", db, "--as-of", AS_OF.isoformat(), "--top", "1", "--limit", "2", "--wide"]) == 0
    out = capsys.readouterr().out
    rec = _status(db, capsys)
    listed = [a for a in rec["agencies"]]
    assert all(a["agency"] in out for a in listed)
    assert "cơ quan khác" in out and "nhiệm vụ khác" in out
