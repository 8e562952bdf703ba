"""The registry on a real PostgreSQL server (started by conftest.pg_url): same schema, same guarantees.

Registry-level tests build small documents by hand (as tests/models/test_registry.py does on SQLite);
the end-to-end tests send the rendered samples through ``theodoi ingest --db postgresql://…``.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from models.document import Document, DocumentMeta
from models.errors import RegistryError
from models.registry import SCHEMA_VERSION, Registry, TaskFilter
from models.task import AgencyRef, Deadline, RawTask, Task

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _task(doc_id: str, n: int, lead: str = "Sở Nội vụ", due: date | None = None) -> Task:
    raw = RawTask(source="table", annex="I", stt=str(n), text=f"Nhiệm vụ {n}", pages=[1], order=n)
    return Task(
        task_id=f"{doc_id[:4]}{n:012d}",
        doc_id=doc_id,
        source="table",
        annex="I",
        stt=str(n),
        text=f"Nhiệm vụ số {n}: triển khai Đề án 06 ở cấp xã",
        lead=[AgencyRef(name=lead, raw=lead)],
        deadline=Deadline(raw="Quý II/2026", kind="quarter", due=due) if due else Deadline(),
        pages=[1],
        order=n,
        raw=raw,
    )


def _doc(doc_id: str, number: str = "15/KH-BCĐ") -> Document:
    meta = DocumentMeta(
        doc_type="KẾ HOẠCH", number=number, issue_date=date(2026, 1, 30), subject="Chuyển đổi số"
    )
    return Document(doc_id=doc_id, file=f"Kế hoạch {doc_id[:6]}.pdf", meta=meta, pages=3)


def test_schema_is_created_once_with_the_same_version(pg_db: str) -> None:
    with Registry(pg_db) as reg:
        assert reg.engine.dialect.name == "postgresql"
        assert reg.schema_version() == SCHEMA_VERSION
    with Registry(pg_db) as reg:
        assert reg.migrate() == []
        tables = set(sa.inspect(reg.engine).get_table_names())
    assert {"documents", "tasks", "task_agencies", "doc_refs", "failures", "schema_migrations"} <= tables


def test_round_trip_keeps_vietnamese_text_and_filters(pg_db: str) -> None:
    a, b = "a" * 64, "b" * 64
    with Registry(pg_db) as reg:
        reg.save_document(_doc(a), [_task(a, 1, due=date(2026, 6, 30)), _task(a, 2, lead="Công an tỉnh")])
        reg.save_document(_doc(b, "26/UBND-KGVX"), [_task(b, 1, due=date(2026, 3, 31))])
        assert [d.file for d in reg.documents()] == [f"Kế hoạch {a[:6]}.pdf", f"Kế hoạch {b[:6]}.pdf"]
        assert reg.tasks(TaskFilter(doc_ids=[a]))[0].text == "Nhiệm vụ số 1: triển khai Đề án 06 ở cấp xã"
        assert [t.task_id for t in reg.tasks(TaskFilter(agencies=["Công an tỉnh"]))] == [_task(a, 2).task_id]
        due = reg.tasks(TaskFilter(due_before=date(2026, 4, 1)))
        assert [t.doc_id for t in due] == [b]
        assert reg.find_documents("26/UBND-KGVX")[0].doc_id == b


def test_replace_is_atomic_and_keeps_ids(pg_db: str) -> None:
    a = "c" * 64
    with Registry(pg_db) as reg:
        reg.save_document(_doc(a), [_task(a, 1), _task(a, 2)])
        with pytest.raises(RegistryError):
            reg.save_document(_doc(a), [_task(a, 1)])
        reg.save_document(_doc(a), [_task(a, 1), _task(a, 2), _task(a, 3)], replace=True)
        assert [t.task_id for t in reg.tasks()] == [_task(a, n).task_id for n in (1, 2, 3)]


def test_a_write_that_fails_midway_leaves_nothing(pg_db: str) -> None:
    """Two tasks with one id: the second insert fails, and the document must not be half-registered."""
    a = "d" * 64
    with Registry(pg_db) as reg:
        with pytest.raises((RegistryError, sa.exc.IntegrityError)):
            reg.save_document(_doc(a), [_task(a, 1), _task(a, 1)])
        assert not reg.has_document(a)
        assert reg.tasks() == []


def test_two_writers_racing_on_one_document_register_it_once(pg_db: str) -> None:
    """Two processes' registries save the same document at the same moment: one wins, the other is told."""
    a = "e" * 64
    errors: list[BaseException] = []
    barrier = threading.Barrier(2, timeout=30)
    Registry(pg_db).close()  # schema first: this test is about the documents, not the migrations

    def writer() -> None:
        with Registry(pg_db) as reg:
            barrier.wait()
            try:
                reg.save_document(_doc(a), [_task(a, n) for n in range(1, 30)])
            except Exception as e:  # collected to assert on its type below
                errors.append(e)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with Registry(pg_db) as reg:
        assert len(reg.documents()) == 1
        assert len(reg.tasks()) == 29
    assert len(errors) <= 1
    for e in errors:
        assert isinstance(e, RegistryError), f"the losing writer got {type(e).__name__}: {e}"


def test_unreachable_server_is_a_registry_error(tmp_path: Path) -> None:
    from tests.ingest.conftest import free_port

    with pytest.raises(RegistryError, match="cannot open the registry"):
        Registry(f"postgresql://theodoi@127.0.0.1:{free_port()}/postgres?connect_timeout=2")


def test_two_processes_opening_a_fresh_database_at_once_both_get_the_schema(pg_db: str) -> None:
    """Two watchers (or a watcher and a batch) started together on an empty database."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(2, timeout=30)

    def opener() -> None:
        barrier.wait()
        try:
            Registry(pg_db).close()
        except Exception as e:  # collected to show the type below
            errors.append(e)

    threads = [threading.Thread(target=opener) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [], f"opening a fresh registry twice at once failed: {errors[0]!r}"
    with Registry(pg_db) as reg:
        assert reg.schema_version() == SCHEMA_VERSION
