"""Registry behaviour on a real SQLite file: idempotent writes, atomic replacement, migrations, queries."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from models.document import DocRef, Document, DocumentMeta
from models.errors import RegistryError
from models.task import AgencyRef, Deadline, RawTask, Task
from store.registry import SCHEMA_VERSION, Registry, TaskFilter


def _task(doc_id: str, n: int, lead: str = "Sở Nội vụ", due: date | None = None) -> Task:
    raw = RawTask(source="table", annex="I", section="I", stt=str(n), text=f"Nhiệm vụ {n}", pages=[1], order=n)
    return Task(
        task_id=f"{doc_id[:4]}{n:012d}",
        doc_id=doc_id,
        source="table",
        annex="I",
        section="I",
        stt=str(n),
        text=f"Nhiệm vụ số {n} về chuyển đổi số",
        lead=[AgencyRef(name=lead, raw=lead)],
        co=[AgencyRef(name="Các sở, ban, ngành", raw="các sở, ban, ngành", kind="group")],
        deadline=Deadline(raw="Quý II/2026", kind="quarter", due=due) if due else Deadline(),
        pages=[1],
        order=n,
        raw=raw,
    )


def _doc(doc_id: str, number: str = "15/KH-BCĐ", refs: list[DocRef] | None = None) -> Document:
    meta = DocumentMeta(doc_type="KẾ HOẠCH", number=number, issue_date=date(2026, 1, 30), references=refs or [])
    return Document(doc_id=doc_id, file=f"{doc_id[:6]}.pdf", meta=meta, pages=3)


@pytest.fixture
def reg(tmp_path: Path) -> Registry:
    with Registry(tmp_path / "r.sqlite") as r:
        yield r


def test_save_and_read_back(reg: Registry) -> None:
    doc = _doc("a" * 64)
    reg.save_document(doc, [_task(doc.doc_id, i) for i in range(1, 4)])
    assert reg.has_document(doc.doc_id)
    [stored] = reg.documents()
    assert stored.task_count == 3 and stored.meta.number == "15/KH-BCĐ"
    assert [t.stt for t in reg.tasks()] == ["1", "2", "3"]
    assert reg.tasks()[0].lead[0].name == "Sở Nội vụ"


def test_second_save_without_replace_is_refused_and_changes_nothing(reg: Registry) -> None:
    doc = _doc("b" * 64)
    reg.save_document(doc, [_task(doc.doc_id, 1)])
    with pytest.raises(RegistryError, match="already registered"):
        reg.save_document(doc, [_task(doc.doc_id, 1), _task(doc.doc_id, 2)])
    assert len(reg.tasks()) == 1


def test_replace_swaps_tasks_and_keeps_ids(reg: Registry) -> None:
    doc = _doc("c" * 64)
    reg.save_document(doc, [_task(doc.doc_id, i) for i in (1, 2)])
    ids = [t.task_id for t in reg.tasks()]
    reg.save_document(doc, [_task(doc.doc_id, i, lead="Sở Tài chính") for i in (1, 2)], replace=True)
    assert [t.task_id for t in reg.tasks()] == ids
    assert {t.lead[0].name for t in reg.tasks()} == {"Sở Tài chính"}


def test_a_failing_write_leaves_the_earlier_version_whole(reg: Registry) -> None:
    doc = _doc("d" * 64)
    reg.save_document(doc, [_task(doc.doc_id, 1), _task(doc.doc_id, 2)])
    duplicate_ids = [_task(doc.doc_id, 7), _task(doc.doc_id, 7)]  # primary-key clash mid-transaction
    with pytest.raises(RegistryError, match="nothing was written"):
        reg.save_document(doc, duplicate_ids, replace=True)
    assert [t.stt for t in reg.tasks()] == ["1", "2"]
    assert reg.documents()[0].task_count == 2


def test_filters_by_agency_and_due_date(reg: Registry) -> None:
    doc = _doc("e" * 64)
    reg.save_document(
        doc,
        [
            _task(doc.doc_id, 1, lead="Công an tỉnh", due=date(2026, 3, 31)),
            _task(doc.doc_id, 2, lead="Sở Nội vụ", due=date(2026, 6, 30)),
            _task(doc.doc_id, 3, lead="Công an tỉnh"),
        ],
    )
    assert [t.stt for t in reg.tasks(TaskFilter(agencies=["Công an tỉnh"]))] == ["1", "3"]
    assert [t.stt for t in reg.tasks(TaskFilter(due_before=date(2026, 6, 30)))] == ["1"]
    assert [t.stt for t in reg.tasks(TaskFilter(overdue_as_of=date(2026, 7, 1)))] == ["1", "2"]
    assert reg.agency_counts("group") == [("Các sở, ban, ngành", "group", 3)]


def test_find_documents_and_citations(reg: Registry) -> None:
    reg.save_document(_doc("f" * 64), [_task("f" * 64, 1)])
    cite = DocRef(raw="Kế hoạch số 15/KH-BCĐ", doc_type="Kế hoạch", number="15/KH-BCĐ")
    reg.save_document(_doc("0" * 64, number="21/KH-BCĐ", refs=[cite]), [_task("0" * 64, 1)])
    assert [d.doc_id for d in reg.find_documents("15/KH-BCĐ")] == ["f" * 64]
    assert [d.meta.number for d in reg.find_documents("ffffff")] == ["15/KH-BCĐ"]
    assert reg.citing_documents("15/KH-BCĐ") == ["0" * 64]


def test_migrations_are_recorded_and_run_once(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    with Registry(path) as r:
        assert r.schema_version() == SCHEMA_VERSION
        assert r.migrate() == []
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert {"documents", "tasks", "task_agencies", "doc_refs", "failures", "schema_migrations"} <= tables


def test_unopenable_registry_is_a_registry_error(tmp_path: Path) -> None:
    (tmp_path / "dir.sqlite").mkdir()
    with pytest.raises(RegistryError, match="cannot open the registry"):
        Registry(tmp_path / "dir.sqlite")


def test_a_registry_made_before_migration_2_gets_logical_documents(tmp_path: Path) -> None:
    """Migration 2 on a registry with the first schema: each file becomes a one-rendition document whose
    logical id is its doc id (task ids unchanged), and the citation links are computed."""
    db = tmp_path / "old.sqlite"
    with Registry(db) as reg:
        reg.save_document(_doc("a" * 64), [_task("a" * 64, i, due=date(2026, 3, 31)) for i in (1, 2)])
        cite = DocRef(raw="Kế hoạch số 15/KH-BCĐ", number="15/KH-BCD")
        reg.save_document(_doc("b" * 64, "21/KH-BCĐ", [cite]), [_task("b" * 64, 1, due=date(2026, 6, 30))])
        before = [t.task_id for t in reg.tasks()]
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # back to the first schema, as a registry of the previous release has it
        for table in ("logical_documents", "doc_versions", "corrections"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        for index in ("ix_documents_logical", "ix_tasks_superseded", "ix_doc_refs_number_key"):
            conn.exec_driver_sql(f"DROP INDEX {index}")
        conn.exec_driver_sql("ALTER TABLE documents DROP COLUMN logical_id")
        conn.exec_driver_sql("ALTER TABLE doc_refs DROP COLUMN number_key")
        for column in ("superseded_by", "corrected"):  # tasks.logical_id: gone since migration 4
            conn.exec_driver_sql(f"ALTER TABLE tasks DROP COLUMN {column}")
        conn.exec_driver_sql("DELETE FROM schema_migrations WHERE version = 2")
    engine.dispose()
    with Registry(db) as reg:
        assert reg.schema_version() == SCHEMA_VERSION
        assert [t.task_id for t in reg.tasks()] == before
        assert {d.logical_id for d in reg.documents()} == {"a" * 64, "b" * 64}
        # "Nhiệm vụ số 1" is restated by 21/KH-BCĐ: the first plan's task 1 is superseded, task 2 is not
        current = [t.task_id for t in reg.tasks(TaskFilter(current=True))]
        assert current == [before[1], before[2]]
        assert reg.superseded() == {before[0]: "b" * 64}
