"""`theodoi tasks` filters on the real sample plan: agencies by any alias, due dates, overdue as of a date."""

from datetime import date
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.queries import resolve_agency, select_tasks
from models.errors import BadArgsError
from store.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "samples" / "kh15_plan.pdf"


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    db = tmp_path_factory.mktemp("q") / "r.sqlite"
    assert main(["ingest", str(PLAN), "--db", str(db), "--report", str(db.parent / "b.json")]) == 0
    with Registry(db) as r:
        yield r


@pytest.mark.parametrize("alias", ["Sở KH&CN", "Sở KHCN", "sở khoa học và công nghệ", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"])
def test_agency_by_any_alias(reg: Registry, alias: str) -> None:
    assert resolve_agency(alias) == "Sở Khoa học và Công nghệ"
    found = select_tasks(reg, agency=alias, role="any")  # lead or co-operating (the default is lead, issue 13)
    everything = select_tasks(reg)
    named = [t for t in everything if "Sở Khoa học và Công nghệ" in {a.name for a in t.lead + t.co}]
    assert [t.task_id for t in found] == [t.task_id for t in named]
    assert len(found) > 50


def test_due_before_and_overdue(reg: Registry) -> None:
    everything = select_tasks(reg)
    cutoff = date(2026, 3, 31)
    due = select_tasks(reg, due_before=cutoff)
    assert due and all(t.deadline.due is not None and t.deadline.due < cutoff for t in due)
    assert len(due) == sum(1 for t in everything if t.deadline.due and t.deadline.due < cutoff)
    overdue = select_tasks(reg, overdue=True, as_of=date(2026, 7, 1))
    assert {t.deadline.kind for t in overdue} <= {"date", "month", "quarter", "half_year", "year"}
    assert all(t.deadline.due < date(2026, 7, 1) for t in overdue)
    ongoing = [t for t in everything if t.deadline.kind == "ongoing"]
    assert ongoing and not {t.task_id for t in ongoing} & {t.task_id for t in overdue}


def test_unknown_document_is_a_bad_argument(reg: Registry) -> None:
    with pytest.raises(BadArgsError, match="no registered document"):
        select_tasks(reg, doc="99/KH-XYZ")
    assert len(select_tasks(reg, doc="15/KH-BCĐ")) == 133


def test_cli_tasks_command_exits_ok(reg: Registry, capsys: pytest.CaptureFixture[str]) -> None:
    db = reg.url.removeprefix("sqlite:///")
    code = main(["tasks", "--db", db, "--agency", "CA tỉnh", "--overdue", "--as-of", "2026-12-31"])
    assert code == 0
    n = len(select_tasks(reg, agency="CA tỉnh", overdue=True, as_of=date(2026, 12, 31)))
    assert n > 0 and capsys.readouterr().err == f"{n} nhiệm vụ\n"  # the count, in Vietnamese by default
    assert main(["tasks", "--db", db, "--agency", "CA tỉnh", "--overdue", "--as-of", "31/12/2026", "--lang", "en"]) == 0
    assert capsys.readouterr().err == f"{n} task(s)\n"  # the same tasks, the date written dd/mm/yyyy
