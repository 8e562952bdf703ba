"""Schema 3: each value stored once, read back into exactly the tasks that were saved; older registries
migrated in place; the filtered queries read indexes (issue 15)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.pipeline import parse_bytes
from models.document import Document
from models.settings import IngestSettings
from models.task import AgencyRef, Deadline, Milestone, RawTask, Task
from store.registry import SCHEMA_VERSION, Registry, TaskFilter
from store.task_rows import agency_rows, task_from_row, task_row, unpack_extra

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def parsed() -> list[tuple[Document, list[Task]]]:
    """Real tasks: a plan's annex table (Word) and a letter's prose items (PDF), as the pipeline makes them."""
    out = []
    for name in ("kh15_plan.docx", "cv_kgvx_letter.pdf"):
        p = parse_bytes((SAMPLES / name).read_bytes(), name, IngestSettings())
        out.append((p.document, p.tasks))
    return out


def test_parsed_tasks_come_back_exactly(parsed: list[tuple[Document, list[Task]]], tmp_path: Path) -> None:
    with Registry(tmp_path / "r.sqlite") as reg:
        for doc, tasks in parsed:
            reg.save_document(doc, tasks)
        for doc, tasks in parsed:
            assert reg.tasks(TaskFilter(doc_ids=[doc.doc_id])) == tasks
        columns = {c["name"] for c in sa.inspect(reg.engine).get_columns("tasks")}
    assert "record" not in columns and "extra" in columns


def test_nothing_the_columns_hold_is_in_extra(parsed: list[tuple[Document, list[Task]]]) -> None:
    for _, tasks in parsed:
        for t in tasks:
            packed = task_row(t)["extra"]
            extra = unpack_extra(packed) if packed else {}
            assert not {"task_id", "doc_id", "text", "stt", "lead", "co", "confidence"} & set(extra)
            assert "text" not in extra.get("raw", {}) or extra["raw"]["text"] != t.text


def test_unusual_values_survive() -> None:
    """What the compact form leaves out must be exactly what the task repeats; anything else is kept."""
    raw = RawTask(source="table", annex=None, section="II", stt="3", text="Nhiệm vụ (bản in)", pages=[2, 3],
                  lead_raw="Sở TT&TT", co_raw=None, deadline_raw=None, raw_cells={"lead": "Sở TT&TT", "x": "ô lạ"},
                  order=7, parser_version="tables.v1", confidence=0.5)  # fmt: skip
    task = Task(
        task_id="t1", doc_id="d" * 64, source="table", annex="I", section="II", stt="3", text="Nhiệm vụ",
        lead=[AgencyRef(name="Sở Khoa học và Công nghệ", raw="Sở TT&TT", score=0.8),
              AgencyRef(name="Sở Khoa học và Công nghệ", raw="Sở KH&CN")],  # the same lead named twice
        co=[AgencyRef(name="UBND cấp xã", raw="UBND cấp xã", kind="group"), AgencyRef(name="Công an tỉnh", raw="CA")],
        deadline=Deadline(raw="Quý II/2026", kind="quarter", due=date(2026, 6, 30),
                          milestones=[Milestone(due=date(2026, 5, 1), text="báo cáo")]),
        status="Đang thực hiện", pages=[2, 3], order=7, raw=raw, parser_versions={"extract": "tables.v2"},
    )  # fmt: skip
    row = task_row(task) | {"deadline_due": "2026-06-30"}
    agencies = list(reversed(agency_rows(task)))  # the database returns them in any order
    assert task_from_row(row, agencies) == task


V1_SCHEMA = """
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at VARCHAR(40) NOT NULL);
CREATE TABLE documents (doc_id VARCHAR(64) PRIMARY KEY, file TEXT NOT NULL, doc_type TEXT, number TEXT,
  issue_date VARCHAR(10), issue_month VARCHAR(7), issuer TEXT, subject TEXT, signer TEXT, pages INTEGER NOT NULL,
  method VARCHAR(10) NOT NULL, task_count INTEGER NOT NULL, parser_version TEXT NOT NULL,
  ingested_at VARCHAR(40) NOT NULL, record TEXT NOT NULL);
CREATE TABLE tasks (task_id VARCHAR(32) PRIMARY KEY, doc_id VARCHAR(64) NOT NULL REFERENCES documents (doc_id)
  ON DELETE CASCADE, ord INTEGER NOT NULL, source VARCHAR(10) NOT NULL, annex TEXT, section TEXT, stt TEXT,
  text TEXT NOT NULL, deadline_kind VARCHAR(20) NOT NULL, deadline_due VARCHAR(10), method VARCHAR(10) NOT NULL,
  confidence FLOAT NOT NULL, record TEXT NOT NULL);
CREATE INDEX ix_tasks_doc ON tasks (doc_id, ord);
CREATE INDEX ix_tasks_due ON tasks (deadline_due);
CREATE TABLE task_agencies (task_id VARCHAR(32) NOT NULL REFERENCES tasks (task_id) ON DELETE CASCADE,
  doc_id VARCHAR(64) NOT NULL, role VARCHAR(4) NOT NULL, name TEXT NOT NULL, raw TEXT NOT NULL, kind VARCHAR(10) NOT NULL);
CREATE INDEX ix_task_agencies_name ON task_agencies (name);
CREATE INDEX ix_task_agencies_task ON task_agencies (task_id);
CREATE TABLE doc_refs (doc_id VARCHAR(64) NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE, raw TEXT NOT NULL,
  doc_type TEXT, number TEXT, ref_date VARCHAR(10));
CREATE INDEX ix_doc_refs_number ON doc_refs (number);
CREATE TABLE failures (id INTEGER PRIMARY KEY, sha256 VARCHAR(64), file TEXT NOT NULL, reason TEXT NOT NULL,
  at VARCHAR(40) NOT NULL);
INSERT INTO schema_migrations VALUES (1, 'initial schema', '2026-01-01T00:00:00+00:00');
"""


def _v1_registry(path: Path, parsed: list[tuple[Document, list[Task]]]) -> None:
    """A registry as schema 1 wrote it: every task's whole record JSON beside its columns."""
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SCHEMA)
        for n, (doc, tasks) in enumerate(parsed):
            m = doc.meta
            conn.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
                doc.doc_id, doc.file, m.doc_type, m.number, None, m.issue_month, m.issuer, m.subject, m.signer,
                doc.pages, doc.method, len(tasks), doc.parser_version, f"2026-01-0{n + 1}", doc.model_dump_json()))  # fmt: skip
            for t in tasks:
                due = t.deadline.due.isoformat() if t.deadline.due else None
                conn.execute("INSERT INTO tasks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", (
                    t.task_id, t.doc_id, t.order, t.source, t.annex, t.section, t.stt, t.text, t.deadline.kind, due,
                    t.method, t.confidence, t.model_dump_json()))  # fmt: skip
                for role, refs in (("lead", t.lead), ("co", t.co)):
                    for a in refs:
                        conn.execute("INSERT INTO task_agencies VALUES (?,?,?,?,?,?)",
                                     (t.task_id, t.doc_id, role, a.name, a.raw, a.kind))  # fmt: skip


def test_a_registry_of_schema_1_is_migrated_in_place(parsed: list[tuple[Document, list[Task]]], tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    _v1_registry(db, parsed)
    with Registry(db) as reg:
        assert reg.schema_version() == SCHEMA_VERSION
        assert reg.tasks() == [t for _, tasks in parsed for t in tasks]
        inspector = sa.inspect(reg.engine)
        assert "record" not in {c["name"] for c in inspector.get_columns("tasks")}
        assert "doc_id" not in {c["name"] for c in inspector.get_columns("task_agencies")}
        assert "ix_task_agencies_name" in {i["name"] for i in inspector.get_indexes("task_agencies")}
        assert reg.migrate() == []
        assert not inspector.has_table("task_agencies_v1")


def test_filtered_queries_read_indexes(parsed: list[tuple[Document, list[Task]]], tmp_path: Path) -> None:
    with Registry(tmp_path / "r.sqlite") as reg:
        for doc, tasks in parsed:
            reg.save_document(doc, tasks)
        agency = " ".join(reg.explain(TaskFilter(agencies=["Sở Nội vụ"], overdue_as_of=date(2026, 7, 1), current=True)))
        due = " ".join(reg.explain(TaskFilter(due_from=date(2026, 1, 1), due_until=date(2026, 3, 31), current=True)))
        doc = " ".join(reg.explain(TaskFilter(doc_ids=[parsed[0][0].doc_id], current=True)))
    assert "ix_task_agencies_name" in agency and "SCAN tasks" not in agency
    assert "ix_tasks_due" in due and "ix_tasks_doc" in doc  # a document selects its logical document's tasks (by its stored rendition)
