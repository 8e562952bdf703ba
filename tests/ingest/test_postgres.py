"""The registry on a real PostgreSQL server (started by conftest.pg_url): same schema, same guarantees.

Registry-level tests build small documents by hand (as tests/models/test_registry.py does on SQLite);
the end-to-end tests send the rendered samples through ``theodoi ingest --db postgresql://…``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from models.document import Document, DocumentMeta
from models.errors import RegistryError
from models.task import AgencyRef, Deadline, RawTask, Task
from store.registry import SCHEMA_VERSION, Registry, TaskFilter, database_url

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


def test_migration_4_drops_the_task_logical_id_and_keeps_every_view(pg_db: str) -> None:
    """A registry as migration 2 left it on PostgreSQL (``tasks.logical_id`` and ``ix_tasks_logical``):
    the PDF then the Word file of one document, the Word file stored; migrated, the same tasks, documents
    and document filters come back."""
    pdf, word = "e" * 64, "f" * 64
    with Registry(pg_db) as reg:
        reg.save_document(_doc(pdf), [_task(pdf, n, due=date(2026, 6, 30)) for n in (1, 2, 3)])
        reg.save_document(_doc(word).model_copy(update={"method": "docx", "file": "Kế hoạch.docx"}),
                          [_task(word, n, due=date(2026, 6, 30)) for n in (1, 2, 3)])  # fmt: skip
        [doc] = reg.documents()
        assert (doc.logical_id, doc.doc_id) == (pdf, word)
        before = (reg.tasks(), reg.documents(), [reg.tasks(TaskFilter(doc_ids=[i])) for i in (pdf, word)])
        with reg.engine.begin() as conn:  # back to the shape of the schema before migration 4
            conn.exec_driver_sql("ALTER TABLE tasks ADD COLUMN logical_id VARCHAR(64)")
            conn.exec_driver_sql("UPDATE tasks SET logical_id = l.logical_id FROM logical_documents l"
                                 " WHERE l.primary_doc_id = tasks.doc_id")  # fmt: skip
            conn.exec_driver_sql("CREATE INDEX ix_tasks_logical ON tasks (logical_id, ord)")
            conn.exec_driver_sql("DELETE FROM schema_migrations WHERE version = 4")
    with Registry(pg_db) as reg:
        assert "logical_id" not in {c["name"] for c in sa.inspect(reg.engine).get_columns("tasks")}
        assert (reg.tasks(), reg.documents(), [reg.tasks(TaskFilter(doc_ids=[i])) for i in (pdf, word)]) == before
        assert len(before[0]) == 3 and before[2][0] == before[2][1] == before[0]


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


# -- a server of our own, stopped and restarted under a running registry (issue 14) ------------------------
class Server:
    """A throwaway PostgreSQL cluster these tests may stop and restart without disturbing the others."""

    def __init__(self, base: Path) -> None:
        from tests.ingest.conftest import _as_server_user, free_port, pg_bin

        self.bindir, self.as_user = pg_bin(), _as_server_user
        self.data, sock = base / "data", base / "sock"
        sock.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(base, "postgres")
            shutil.chown(sock, "postgres")
        self.port = free_port()
        self.opts = f"-p {self.port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.log = base / "server.log"
        self._run("initdb", "-D", str(self.data), "-U", "theodoi", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        self.start()
        self.url = f"postgresql://theodoi@127.0.0.1:{self.port}/postgres?connect_timeout=3"

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(self.as_user([str(self.bindir / tool), *args]), capture_output=True, text=True,
                              timeout=120)  # fmt: skip
        assert done.returncode == 0, f"{tool} failed: {done.stderr}"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", self.opts, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "60", "-o",
                  self.opts, "restart")  # fmt: skip

    def database(self, name: str) -> str:
        admin = sa.create_engine(database_url(self.url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.url.replace("/postgres?", f"/{name}?")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    base = Path(tempfile.mkdtemp(prefix="theodoi-pg-own-"))
    srv = Server(base)
    try:
        yield srv
    finally:
        with contextlib.suppress(AssertionError, subprocess.SubprocessError):
            srv._run("pg_ctl", "-D", str(srv.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def stopped(server: Server) -> Iterator[None]:
    server.stop()
    try:
        yield
    finally:
        server.start()


@pytest.mark.issue(14)
def test_pooled_connections_survive_a_server_restart(server: Server) -> None:
    """A routine restart leaves the pool's connections stale; they are tested before use and replaced."""
    with Registry(server.database("restart")) as reg:
        reg.save_document(_doc("a" * 64), [_task("a" * 64, 1)])
        assert reg.has_document("a" * 64)
        server.restart()
        assert reg.has_document("a" * 64)
        assert [d.doc_id for d in reg.documents()] == ["a" * 64]
        reg.save_document(_doc("b" * 64, "16/KH-BCĐ"), [_task("b" * 64, 1)])
        reg.record_failure("hỏng.pdf", "corrupt PDF")
        assert reg.errors == []


@pytest.mark.issue(14)
def test_a_stopped_server_is_a_registry_error_for_every_operation(server: Server) -> None:
    with Registry(server.database("stopped"), reconnect_delay_s=0.1) as reg:
        reg.save_document(_doc("c" * 64), [_task("c" * 64, 1)])
        with stopped(server):
            calls = {
                "has_document": lambda: reg.has_document("c" * 64),
                "document": lambda: reg.document("c" * 64),
                "documents": reg.documents,
                "find_documents": lambda: reg.find_documents("15/KH-BCĐ"),
                "tasks": reg.tasks,
                "agency_counts": reg.agency_counts,
                "citing_documents": lambda: reg.citing_documents("15/KH-BCĐ"),
                "schema_version": reg.schema_version,
                "record_failure": lambda: reg.record_failure("x.pdf", "corrupt"),
                "save_document": lambda: reg.save_document(_doc("d" * 64), [_task("d" * 64, 1)]),
                "delete_document": lambda: reg.delete_document("c" * 64),
            }
            for name, call in calls.items():
                with pytest.raises(RegistryError) as caught:
                    call()
                assert "registry" in str(caught.value) and "Connection refused" in str(caught.value), name
            assert len(reg.errors) == len(calls)
        assert [d.doc_id for d in reg.documents()] == ["c" * 64]  # back, and nothing half-written


@pytest.mark.issue(14)
def test_the_watcher_survives_a_server_restart(server: Server, tmp_path: Path, tiny_bytes: bytes) -> None:
    """Files dropped while PostgreSQL is down wait in the inbox and are registered once it is back."""
    from ingest.executors import InlineExecutor
    from ingest.watch import Inbox, watch
    from models.settings import IngestSettings
    from tests.ingest.conftest import files_under, write_variants

    inbox = tmp_path / "inbox"
    write_variants(inbox, tiny_bytes, 2)
    stop = threading.Event()
    executor = InlineExecutor(IngestSettings())
    summary: list[object] = []
    with Registry(server.database("watcher"), reconnect_delay_s=0.1) as reg:
        box = Inbox(inbox, reg, executor, settle_s=0.2, retry_s=0.5, max_retry_s=1)
        thread = threading.Thread(
            target=lambda: summary.append(watch(box, poll=True, interval_s=0.1, stop=stop)), daemon=True
        )
        thread.start()
        try:
            _wait_for(lambda: len(files_under(inbox / "processed")) == 2, "the first two files filed")
            with stopped(server):
                write_variants(inbox, tiny_bytes, 2, start=2)
                _wait_for(lambda: len(box.deferred) == 2, "the files dropped meanwhile deferred")
                assert thread.is_alive()
            _wait_for(lambda: len(files_under(inbox / "processed")) == 4, "all four files filed")
        finally:
            stop.set()
            thread.join(timeout=30)
            executor.close()
        assert not thread.is_alive()
        docs = [d.file for d in reg.documents()]
    assert sorted(docs) == [f"cv_{i:04d}.pdf" for i in range(4)]
    assert [p for p in inbox.iterdir() if p.is_file()] == []
    refused = [r for r in summary[0].results if r.status == "retry"]  # type: ignore[attr-defined]
    assert refused and all(r.registry_refused for r in refused)


@pytest.mark.issue(14)
def test_a_server_stopped_mid_batch_gives_exit_4_and_a_report(
    server: Server, tmp_path: Path, tiny_bytes: bytes
) -> None:
    from ingest.cli import main
    from models.errors import ExitCode
    from tests.ingest.conftest import write_variants

    write_variants(tmp_path / "in", tiny_bytes, 12)
    url = server.database("midbatch")
    Registry(url).close()
    report = tmp_path / "report.json"
    seen = sa.create_engine(database_url(url))
    stopper_done = threading.Event()

    def stopper() -> None:
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with seen.connect() as conn:
                    if conn.scalar(sa.text("SELECT count(*) FROM documents")) >= 3:
                        break
                time.sleep(0.05)
            seen.dispose()
            server.stop()
        finally:
            stopper_done.set()

    thread = threading.Thread(target=stopper, daemon=True)
    thread.start()
    try:
        code = main(["ingest", str(tmp_path / "in"), "--db", url, "--report", str(report)])
    finally:
        stopper_done.wait(timeout=130)
        server.start()
    assert code == ExitCode.registry_error
    summary = json.loads(report.read_text(encoding="utf-8"))
    counts = summary["summary"]
    assert counts["files"] == 12 and counts["ingested"] >= 3 and counts["failed"] >= 1
    assert counts["ingested"] + counts["failed"] == 12
    assert all("registry" in f["reason"] for f in summary["failures"])
    with Registry(url) as reg:
        assert len(reg.documents()) == counts["ingested"]


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
