"""Issue 13 on real files: one document however often it is received, one current rule, one resolver,
corrections that last. Every registry here is made by the whole pipeline from the samples."""

from __future__ import annotations

import html.parser
import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ingest.cli import main
from ingest.corrections import agencies
from ingest.spine import run_file
from models.errors import ExitCode
from models.settings import IngestSettings
from store.registry import SCHEMA_VERSION, Registry, TaskFilter

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
PLAN_DOCX, PLAN_PDF, V2 = SAMPLES / "kh15_plan.docx", SAMPLES / "kh15_plan.pdf", SAMPLES / "kh15_plan_v2.pdf"
LETTER_DOCX, LETTER_PDF = SAMPLES / "cv_kgvx_letter.docx", SAMPLES / "cv_kgvx_letter.pdf"
PLAN_TASKS = len(json.loads((SAMPLES / "expected" / "kh15_plan.tasks.json").read_text(encoding="utf-8"))["tasks"])


@pytest.fixture(scope="module")
def renditions_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan as PDF then Word, its revision, the letter as Word then PDF (no OCR: fast)."""
    db = tmp_path_factory.mktemp("logical") / "registry.sqlite"
    files = [PLAN_PDF, PLAN_DOCX, V2, LETTER_DOCX, LETTER_PDF]
    assert main(["ingest", *map(str, files), "--db", str(db), "--report", str(db.parent / "b.json")]) == 0
    return db


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_each_document_once_with_its_renditions(renditions_db: Path) -> None:
    with Registry(renditions_db) as reg:
        docs = {d.meta.number: d for d in reg.documents()}
        assert sorted(docs) == ["/UBND-KGVX", "15/KH-BCĐ", "21/KH-BCĐ"]
        plan = docs["15/KH-BCĐ"]
        assert {(r.file, r.method) for r in plan.renditions} == {("kh15_plan.pdf", "text"), ("kh15_plan.docx", "docx")}
        assert plan.file == "kh15_plan.docx"  # Word before the text layer
        # the logical id is the first file's: the plan's task ids are the ones the PDF alone had
        assert plan.logical_id == next(r.doc_id for r in plan.renditions if r.file == "kh15_plan.pdf")
        tasks = reg.tasks(TaskFilter(doc_ids=[plan.doc_id]))
        assert len(tasks) == PLAN_TASKS == len({t.task_id for t in tasks})
        assert {t.doc_id for t in tasks} == {plan.doc_id}
        letter = docs["/UBND-KGVX"]
        assert sorted(r.file for r in letter.renditions) == ["cv_kgvx_letter.docx", "cv_kgvx_letter.pdf"]
        assert len(reg.tasks(TaskFilter(doc_ids=[letter.doc_id]))) == 26


def test_task_ids_do_not_depend_on_the_rendition(tmp_path: Path) -> None:
    """The PDF alone gives ids; adding the Word file (which becomes the stored one) keeps every id, and
    re-ingesting either file with --force keeps them too."""
    db = tmp_path / "r.sqlite"
    settings = IngestSettings()
    with Registry(db) as reg:
        run_file(PLAN_PDF, settings, reg)
        alone = {(t.annex, t.section, t.stt, t.text): t.task_id for t in reg.tasks()}
        run_file(PLAN_DOCX, settings, reg)
        assert len(reg.documents()) == 1
        assert {t.task_id for t in reg.tasks()} == set(alone.values())
        for path in (PLAN_DOCX, PLAN_PDF):
            run_file(path, settings, reg, force=True)
            assert {t.task_id for t in reg.tasks()} == set(alone.values())
            assert reg.documents()[0].file == "kh15_plan.docx"


def _draft_of(docx: Path, out: Path) -> Path:
    """The plan as its Word draft: serial and day left blank, in the header and the annexes' headings."""
    import re

    import docx as python_docx

    doc = python_docx.Document(str(docx))

    def paragraphs():  # type: ignore[no-untyped-def]
        yield from doc.paragraphs
        for table in doc.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from cell.paragraphs

    for p in paragraphs():
        blank = re.sub(r"15 ?/KH", "     /KH", p.text).replace("ngày 30 tháng", "ngày      tháng")
        if blank != p.text:  # one run then: the number may be split over several
            for i, run in enumerate(p.runs):
                run.text = blank if i == 0 else ""
    doc.save(str(out))
    return out


def test_a_draft_without_number_and_the_issued_plan_are_one_document(tmp_path: Path) -> None:
    draft = _draft_of(PLAN_DOCX, tmp_path / "dự thảo kế hoạch.docx")
    with Registry(tmp_path / "r.sqlite") as reg:
        run_file(draft, IngestSettings(), reg)
        [alone] = reg.documents()
        assert alone.meta.number == "/KH-BCĐ" and alone.meta.issue_date is None
        run_file(PLAN_PDF, IngestSettings(), reg)
        [plan] = reg.documents()
        assert plan.file == draft.name  # Word before the text layer, draft or not
        assert (plan.meta.number, plan.meta.issue_date) == ("15/KH-BCĐ", date(2026, 1, 30))  # from the PDF
        assert sorted(r.file for r in plan.renditions) == sorted([draft.name, PLAN_PDF.name])
        assert len(reg.tasks()) == PLAN_TASKS
        assert [d.logical_id for d in reg.find_documents("15/kh-bcd")] == [plan.logical_id]


def test_resolver_numbers_prefixes_and_files(renditions_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Registry(renditions_db) as reg:
        plan = reg.find_documents("15/KH-BCĐ")[0]
        v2 = reg.find_documents("21/KH-BCĐ")[0]
        for ref in ("21/KH-BCD", "21/kh-bcđ", "21-KH/BCĐ", "kh15_plan_v2.pdf", v2.doc_id[:4]):
            assert [d.logical_id for d in reg.find_documents(ref)] == [v2.logical_id], ref
        for ref in ("kh15_plan.pdf", "kh15_plan.docx", (plan.logical_id or "")[:5], plan.doc_id[:6]):
            assert [d.logical_id for d in reg.find_documents(ref)] == [plan.logical_id], ref
    code, out, err = run(["tasks", "--db", str(renditions_db), "--doc", "21/kh-bcd", "-f", "json"], capsys)
    assert code == 0 and len(json.loads(out)) == 134
    code, out, _ = run(["diff", "15/KH-BCĐ", "21/KH-BCĐ", "--db", str(renditions_db), "-f", "json", "-o",
                        str(renditions_db.parent / "d.json")], capsys)  # fmt: skip
    assert code == 0
    rec = json.loads((renditions_db.parent / "d.json").read_text(encoding="utf-8"))
    assert (rec["a"]["number"], rec["b"]["number"]) == ("15/KH-BCĐ", "21/KH-BCĐ")
    # "kh15" starts no doc id and is no number: nothing; a prefix both plans' files share is ambiguous
    code, _, err = run(["tasks", "--db", str(renditions_db), "--doc", "/UBND-KGV"], capsys)
    assert code == ExitCode.bad_args and "no registered document matches" in err


def test_ambiguous_reference_lists_the_candidates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "r.sqlite"
    a, b = tmp_path / "a" / "kh15_plan.pdf", tmp_path / "b" / "kh15_plan.pdf"
    for path, src in ((a, PLAN_PDF), (b, V2)):
        path.parent.mkdir()
        shutil.copy(src, path)
    assert main(["ingest", str(a), str(b), "--db", str(db), "--report", str(tmp_path / "b.json")]) == 0
    code, out, err = run(["tasks", "--db", str(db), "--doc", "kh15_plan.pdf"], capsys)
    assert code == ExitCode.bad_args and out == ""
    assert "matches 2 documents" in err and "15/KH-BCĐ" in err and "21/KH-BCĐ" in err


class _Rows(html.parser.HTMLParser):
    """The report's task rows: (task id, status, lead agencies)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and a.get("data-task-id"):
            self.rows.append((a["data-task-id"] or "", a.get("data-status") or "", (a.get("data-lead") or "").split("|")))


def test_overdue_counts_agree_everywhere(renditions_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """tasks, status, report and export: the same overdue and due-soon tasks per lead agency."""
    as_of, db = "2026-07-01", str(renditions_db)
    _, out, _ = run(["status", "--db", db, "--as-of", as_of, "--soon-days", "14", "--json"], capsys)
    status = {a["agency"]: a for a in json.loads(out)["agencies"]}
    report = renditions_db.parent / "report.html"
    assert main(["report", "--db", db, "-o", str(report), "--as-of", as_of, "--soon-days", "14"]) == 0
    rows = _Rows()
    rows.feed(report.read_text(encoding="utf-8"))
    _, out, err = run(["export", "-f", "json", "--db", db], capsys)
    export = json.loads(out)
    assert "không hiện" in err  # the superseded tasks left out are said
    assert len({r["task_id"] for r in export}) == len(export) == len(rows.rows)
    assert all(r["superseded_by"] is None for r in export)
    checked = 0
    for agency in ("Sở Nội vụ", "Sở Khoa học và Công nghệ", "Công an tỉnh"):
        _, out, _ = run(["tasks", "--db", db, "--agency", agency, "--role", "lead", "--overdue", "--as-of", as_of,
                         "-f", "json"], capsys)  # fmt: skip
        from_tasks = {r["task_id"] for r in json.loads(out)}
        from_status = {t["task_id"] for t in status[agency]["overdue"]}
        from_report = {i for i, s, leads in rows.rows if s == "overdue" and agency in leads}
        from_export = {r["task_id"] for r in export if r["deadline"]["due"] and r["deadline"]["due"] < as_of
                       and agency in {a["name"] for a in r["lead"]}}  # fmt: skip
        assert from_tasks == from_status == from_report == from_export, agency
        checked += len(from_tasks)
    assert checked > 0


def test_all_versions_shows_the_history(renditions_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(renditions_db)
    _, current, err = run(["tasks", "--db", db, "--doc", "15/KH-BCĐ", "-f", "json"], capsys)
    hidden = int(err.strip().splitlines()[-1].split()[0])
    _, everything, _ = run(["tasks", "--db", db, "--doc", "15/KH-BCĐ", "-f", "json", "--all-versions"], capsys)
    current_rows, all_rows = json.loads(current), json.loads(everything)
    assert len(all_rows) == PLAN_TASKS == len(current_rows) + hidden and hidden > 100
    with Registry(renditions_db) as reg:
        v2 = reg.find_documents("21/KH-BCĐ")[0]
    assert Counter(r["superseded_by"] for r in all_rows) == {v2.logical_id: hidden, None: len(current_rows)}


def test_correction_survives_force_and_a_parser_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "r.sqlite"
    settings = IngestSettings()
    with Registry(db) as reg:
        run_file(LETTER_DOCX, settings, reg)
        task = reg.tasks()[3]
    code, out, _ = run(["correct", task.task_id, "--lead", "Sở KH&CN; CA tỉnh", "--due", "15/08/2026",
                        "--by", "Chị Lan", "--db", str(db)], capsys)  # fmt: skip
    assert code == 0 and "Chị Lan" in out

    def check(reg: Registry) -> None:
        t = next(t for t in reg.tasks() if t.task_id == task.task_id)
        assert [a.name for a in t.lead] == ["Sở Khoa học và Công nghệ", "Công an tỉnh"]
        assert t.deadline.due == date(2026, 8, 15) and t.corrected == ["lead", "deadline"]
        assert task.task_id in {r.task_id for r in reg.tasks(TaskFilter(agencies=["Công an tỉnh"], roles=("lead",)))}

    with Registry(db) as reg:
        check(reg)
    assert main(["ingest", str(LETTER_DOCX), "--force", "--db", str(db), "--report", str(tmp_path / "b.json")]) == 0
    with Registry(db) as reg:
        check(reg)
        # a parser upgrade: other versions, another reading of this task's lead, a task lost
        doc = reg.documents()[0].model_copy(update={"parser_version": "tables.v99", "renditions": [],
                                                    "logical_id": None})  # fmt: skip
        tasks = [t.model_copy(update={"parser_versions": {**t.parser_versions, "extract": "tables.v99"},
                                      "lead": agency_refs("Sở Tài chính") if t.task_id == task.task_id else t.lead,
                                      "corrected": []})
                 for t in reg.tasks()]  # fmt: skip
        reg.save_document(doc, tasks, replace=True)
        check(reg)
        assert not [c for c in reg.corrections() if c["orphan"]]
        reg.save_document(doc, [t for t in tasks if t.task_id != task.task_id], replace=True)
        assert {(c["task_id"], c["orphan"]) for c in reg.corrections()} == {(task.task_id, True)}
    code, out, err = run(["corrections", "--db", str(db)], capsys)
    assert code == 0 and "mồ côi" in out and "2 lần sửa, 2 mồ côi" in err


def agency_refs(text: str):  # type: ignore[no-untyped-def]
    from models.task import AgencyRef

    return [AgencyRef(**a) for a in agencies(text)]


def test_xlsx_edited_with_openpyxl_round_trips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, xlsx = tmp_path / "r.sqlite", tmp_path / "tasks.xlsx"
    assert main(["ingest", str(LETTER_DOCX), "--db", str(db), "--report", str(tmp_path / "b.json")]) == 0
    assert main(["export", "-f", "xlsx", "--db", str(db), "-o", str(xlsx)]) == 0
    wb = load_workbook(xlsx)
    ws = wb.worksheets[0]  # "Tất cả nhiệm vụ"
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in ("Nhiệm vụ", "Cơ quan chủ trì", "Hạn (chuẩn hóa)", "Mã nhiệm vụ")}
    edited = {2: ("text", "Rà soát lại toàn bộ danh mục (đã sửa)"), 3: ("lead", "Sở Tài chính"),
              4: ("due", date(2026, 9, 30))}  # fmt: skip
    ids = {}
    for row, (what, value) in edited.items():
        ids[row] = ws.cell(row, col["Mã nhiệm vụ"]).value
        column = {"text": "Nhiệm vụ", "lead": "Cơ quan chủ trì", "due": "Hạn (chuẩn hóa)"}[what]
        ws.cell(row, col[column]).value = value
    wb.save(xlsx)
    code, out, err = run(["corrections", "import", str(xlsx), "--db", str(db), "--by", "Anh Tú"], capsys)
    assert code == 0 and "3 ô đã sửa" in err, err
    assert all(ids[r] in out for r in edited)
    with Registry(db) as reg:
        by_id = {t.task_id: t for t in reg.tasks()}
        assert by_id[ids[2]].text == "Rà soát lại toàn bộ danh mục (đã sửa)" and by_id[ids[2]].corrected == ["text"]
        assert [a.name for a in by_id[ids[3]].lead] == ["Sở Tài chính"]
        assert by_id[ids[4]].deadline.due == date(2026, 9, 30)
        assert {c["by"] for c in reg.corrections()} == {"Anh Tú"} and len(reg.corrections()) == 3
    # the same workbook again: nothing differs any more, nothing is written
    code, out, err = run(["corrections", "import", str(xlsx), "--db", str(db)], capsys)
    assert code == 0 and "0 ô đã sửa" in err and out == ""
    # and the export now carries the corrections
    code, out, _ = run(["export", "-f", "json", "--db", str(db)], capsys)
    rec = {r["task_id"]: r for r in json.loads(out)}
    assert rec[ids[3]]["corrected"] == ["lead"] and rec[ids[3]]["lead"][0]["name"] == "Sở Tài chính"


def test_review_lists_what_to_check_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "r.sqlite"
    scan = SAMPLES / "scans" / "cv_kgvx_letter_p4_300dpi.pdf"
    assert main(["ingest", str(scan), "--db", str(db), "--report", str(tmp_path / "b.json")]) == 0
    with Registry(db) as reg:
        tasks = reg.tasks()
    code, _, err = run(["review", "--db", str(db), "--below", "1.0"], capsys)
    below = [t for t in tasks if t.confidence < 1.0]
    assert code == 0 and f"{len({t.task_id for t in below} | {t.task_id for t in tasks if not t.lead})} nhiệm vụ cần xem" in err


@pytest.mark.slow
def test_watcher_word_pdf_and_scans_of_the_plan_give_its_tasks_once(tmp_path: Path) -> None:
    """The Done-means of issue 13: Word, PDF and scanned pages of the plan dropped into the inbox."""
    inbox, db = tmp_path / "inbox", tmp_path / "r.sqlite"
    inbox.mkdir()
    scans = [SAMPLES / "scans" / "kh15_p19_300dpi.pdf", SAMPLES / "scans" / "kh15_p06-08_200dpi.pdf"]
    for path in (*scans, PLAN_PDF, PLAN_DOCX):  # the scans first: the document starts from a partial OCR file
        shutil.copy(path, inbox / path.name)
    assert main(["watch", str(inbox), "--once", "--settle", "0", "--db", str(db)]) == 0
    with Registry(db) as reg:
        [plan] = reg.documents()
        assert sorted(r.file for r in plan.renditions) == sorted(p.name for p in (*scans, PLAN_PDF, PLAN_DOCX))
        assert plan.file == "kh15_plan.docx" and plan.meta.number == "15/KH-BCĐ"
        tasks = reg.tasks()
        assert len(tasks) == PLAN_TASKS == len({t.task_id for t in tasks})
        assert {t.method for t in tasks} == {"docx"}


def test_migration_4_keeps_every_task_and_view(renditions_db: Path, tmp_path: Path) -> None:
    """A registry as migration 2 left it (each task row carrying its logical id, ``ix_tasks_logical``)
    is migrated in place: same tasks in every version, same logical documents, same links and superseded
    tasks, the document filter by any rendition's or the logical id; the column and its index are gone."""
    import sqlalchemy as sa

    db = tmp_path / "old.sqlite"
    shutil.copy(renditions_db, db)

    def seen(reg: Registry) -> tuple[object, ...]:
        docs = reg.documents()
        per_doc = {
            ref: [t.task_id for t in reg.tasks(TaskFilter(doc_ids=[ref], current=True))]
            for d in docs for ref in (d.logical_id, *(r.doc_id for r in d.renditions))
        }  # fmt: skip
        return (reg.tasks(), [d.model_dump() for d in docs], reg.superseded(), reg.version_links(), per_doc)

    with Registry(db) as reg:
        before = seen(reg)
        plan = next(d for d in reg.documents() if d.meta.number == "15/KH-BCĐ")
        assert plan.logical_id != plan.doc_id  # the stored rendition (Word) is not the first file (PDF)
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # back to the shape the schema before migration 4 wrote
        conn.exec_driver_sql("ALTER TABLE tasks ADD COLUMN logical_id VARCHAR(64)")
        conn.exec_driver_sql("UPDATE tasks SET logical_id = (SELECT l.logical_id FROM logical_documents l"
                             " WHERE l.primary_doc_id = tasks.doc_id)")  # fmt: skip
        conn.exec_driver_sql("CREATE INDEX ix_tasks_logical ON tasks (logical_id, ord)")
        conn.exec_driver_sql("DROP INDEX ix_logical_primary")
        conn.exec_driver_sql("DELETE FROM schema_migrations WHERE version = 4")
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM tasks WHERE logical_id IS NULL").scalar() == 0
    engine.dispose()
    with Registry(db) as reg:
        assert reg.schema_version() == SCHEMA_VERSION
        inspector = sa.inspect(reg.engine)
        assert "logical_id" not in {c["name"] for c in inspector.get_columns("tasks")}
        assert "ix_tasks_logical" not in {i["name"] for i in inspector.get_indexes("tasks")}
        assert "ix_logical_primary" in {i["name"] for i in inspector.get_indexes("logical_documents")}
        assert seen(reg) == before
        assert len(reg.tasks(TaskFilter(doc_ids=[plan.logical_id]))) == PLAN_TASKS
        assert reg.migrate() == []


def test_migration_5_agency_rows_carry_the_task_state(renditions_db: Path, tmp_path: Path) -> None:
    """A registry whose agency rows lack the task's state (before migration 5) gets it from
    ``tasks.superseded_by``: the per-agency counts of tasks in force are the same as before and as the
    tasks classified one by one, and stay so when the later version is deleted (nothing superseded)."""
    import sqlalchemy as sa

    from ingest.status import agency_status, classify

    db = tmp_path / "old.sqlite"
    shutil.copy(renditions_db, db)
    as_of = date(2026, 7, 1)

    def counts(reg: Registry) -> dict[str, tuple[int, int, int]]:
        return {a.agency: (a.total, a.overdue_count, a.due_soon_count) for a in agency_status(reg, as_of).agencies}

    def by_hand(reg: Registry) -> Counter[str]:
        return Counter(a.name for t in reg.tasks(TaskFilter(current=True)) if classify(t, as_of, 14) == "overdue"
                       for a in {x.name: x for x in t.lead}.values())  # fmt: skip

    with Registry(db) as reg:
        before = counts(reg)
        assert reg.superseded()
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # the agency rows as the schema before migration 5 wrote them
        conn.exec_driver_sql("DROP INDEX ix_task_agencies_name")
        conn.exec_driver_sql("ALTER TABLE task_agencies DROP COLUMN superseded")
        conn.exec_driver_sql("CREATE INDEX ix_task_agencies_name ON task_agencies (role, name, kind, deadline_due, task_id)")
        conn.exec_driver_sql("DELETE FROM schema_migrations WHERE version = 5")
    engine.dispose()
    with Registry(db) as reg:
        assert reg.schema_version() == SCHEMA_VERSION
        index = {i["name"]: i for i in sa.inspect(reg.engine).get_indexes("task_agencies")}["ix_task_agencies_name"]
        assert index["column_names"][-1] == "superseded"
        assert counts(reg) == before
        assert {a: n[1] for a, n in before.items() if n[1] and a != "(chưa rõ cơ quan chủ trì)"} == dict(by_hand(reg))
        later = next(d for d in reg.documents() if d.meta.number == "21/KH-BCĐ")
        for r in later.renditions:
            reg.delete_document(r.doc_id)
        assert not reg.superseded()
        after = {a: n[1] for a, n in counts(reg).items() if n[1] and a != "(chưa rõ cơ quan chủ trì)"}
        assert after == dict(by_hand(reg)) and sum(after.values()) >= sum(v[1] for v in before.values() if v)
