"""A registry that fails under a running batch or watcher: every database error is a ``RegistryError``
(exit code 4), the file stays where it can be retried, nothing is half-written (SQLite here; the
PostgreSQL stop/restart cases are in tests/ingest/test_postgres.py)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from ingest.batch import ingest_parallel
from ingest.cli import main
from ingest.cli_ingest import run_ingest
from ingest.executors import InlineExecutor
from ingest.watch import Inbox, watch
from models.document import Document, DocumentMeta
from models.errors import ExitCode, RegistryError
from models.settings import IngestSettings
from store.registry import MIGRATIONS, Registry
from tests.ingest.conftest import write_variants

pytestmark = [pytest.mark.faults, pytest.mark.issue(14)]


def _doc(doc_id: str, number: str) -> Document:
    return Document(doc_id=doc_id, file=f"{number}.pdf", meta=DocumentMeta(number=number), pages=1)


def test_doc_id_prefixes_are_matched_as_characters_not_wildcards(tmp_path: Path) -> None:
    with Registry(tmp_path / "r.sqlite") as reg:
        reg.save_document(_doc("ab12cd" + "0" * 58, "1/KH"), [])
        reg.save_document(_doc("ef34ab" + "1" * 58, "2/KH"), [])
        assert [d.meta.number for d in reg.find_documents("ab12cd")] == ["1/KH"]
        assert reg.find_documents("______") == []  # six LIKE wildcards would match every doc_id
        assert reg.find_documents("%%%%%%") == []
        assert reg.find_documents("ab12c_") == []
        assert reg.find_documents("ab%0000") == []


def _corrupt(db: Path) -> None:
    """Overwrite the registry's pages with garbage, as a failing disk or a stray `cp` would."""
    size = db.stat().st_size
    with open(db, "r+b") as f:
        f.write(b"\xde\xad\xbe\xef" * (size // 4))


def test_a_read_only_registry_refuses_writes_as_registry_errors(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    Registry(db).close()
    with Registry(f"sqlite:///file:{db}?mode=ro&uri=true") as reg:
        assert reg.has_document("a" * 64) is False  # reads work
        with pytest.raises(RegistryError, match=r"refused to record the failure .*readonly"):
            reg.record_failure("hỏng.pdf", "corrupt PDF")
        with pytest.raises(RegistryError, match=r"refused the write .*readonly.*nothing was written"):
            reg.save_document(_doc("a" * 64, "1/KH"), [])
        assert len(reg.errors) == 2
    with Registry(db) as reg:
        assert reg.documents() == []


def test_every_read_of_a_damaged_registry_is_a_registry_error(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    with Registry(db) as reg:
        reg.save_document(_doc("a" * 64, "1/KH"), [])
        _corrupt(db)
        reg.engine.dispose()  # SQLite caches pages per connection: a new one reads the damaged file
        for read in (
            lambda: reg.has_document("a" * 64),
            lambda: reg.document("a" * 64),
            reg.documents,
            lambda: reg.find_documents("1/KH"),
            reg.tasks,
            reg.agency_counts,
            lambda: reg.citing_documents("1/KH"),
            reg.schema_version,
        ):
            with pytest.raises(RegistryError, match=r"cannot read .* from the registry at sqlite:///"):
                read()


def test_a_damaged_registry_is_exit_4_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "r.sqlite"
    Registry(db).close()
    _corrupt(db)
    for args in (["documents"], ["tasks"], ["agencies"], ["status", "--as-of", "01/07/2026"]):
        assert main([*args, "--db", str(db)]) == ExitCode.registry_error, args
        err = capsys.readouterr().err
        assert "Traceback" not in err and "registry" in err, (args, err)


def test_a_registry_damaged_under_a_batch_fails_each_file_and_exits_4(tmp_path: Path, tiny_bytes: bytes) -> None:
    """has_document, save_document and record_failure all fail: every file is reported, none raises, and
    the run still writes its report."""
    files = write_variants(tmp_path / "in", tiny_bytes, 3)
    db = tmp_path / "r.sqlite"
    executor = InlineExecutor(IngestSettings())
    try:
        with Registry(db) as reg:
            _corrupt(db)
            reg.engine.dispose()
            summary = ingest_parallel(files, reg, executor)
    finally:
        executor.close()
    assert [r.status for r in summary.results] == ["failed"] * 3
    assert all("registry" in (r.reason or "") for r in summary.results)


def test_the_ingest_command_exits_4_when_the_registry_breaks_mid_batch(tmp_path: Path, tiny_bytes: bytes) -> None:
    """Another process drops the task tables once the first document is in: every later write is refused
    (the same refusal as a read-only or full disk, without root), the batch goes on, reports, exits 4."""
    write_variants(tmp_path / "in", tiny_bytes, 12)
    db = tmp_path / "r.sqlite"
    Registry(db).close()
    broke = threading.Event()

    def breaker() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
                if conn.execute("SELECT count(*) FROM documents").fetchone()[0] >= 1:
                    conn.execute("DROP TABLE task_agencies")
                    conn.execute("DROP TABLE tasks")
                    conn.commit()
                    broke.set()
                    return
            time.sleep(0.01)

    thread = threading.Thread(target=breaker, daemon=True)
    thread.start()
    report = tmp_path / "report.json"
    out = io.StringIO()
    code = run_ingest([tmp_path / "in"], str(db), force=False, recursive=False, report=report,
                      console=Console(file=out, width=200))  # fmt: skip
    thread.join(timeout=130)
    assert broke.is_set()
    assert code == ExitCode.registry_error, out.getvalue()
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    assert summary["ingested"] >= 1 and summary["failed"] >= 1
    assert summary["ingested"] + summary["failed"] == 12
    assert "refused the write" in out.getvalue() and "Traceback" not in out.getvalue()


def test_the_watcher_keeps_files_when_the_registry_cannot_be_read(tmp_path: Path, tiny_bytes: bytes) -> None:
    inbox = tmp_path / "inbox"
    write_variants(inbox, tiny_bytes, 2)
    db = tmp_path / "r.sqlite"
    executor = InlineExecutor(IngestSettings())
    try:
        with Registry(db) as reg:
            _corrupt(db)
            reg.engine.dispose()
            results = watch(Inbox(inbox, reg, executor, settle_s=0), once=True).results
    finally:
        executor.close()
    assert [(r.status, r.registry_refused) for r in results] == [("retry", True)] * 2
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["cv_0000.pdf", "cv_0001.pdf"]
    assert not os.path.exists(inbox / "failed")


def test_writers_opening_a_fresh_sqlite_registry_at_once_all_get_the_schema(tmp_path: Path) -> None:
    """Two batches (or a batch and a watcher) started together on a new registry file: both ran CREATE
    TABLE and one failed ('table documents already exists'); now one migrates, the others wait."""
    db = tmp_path / "mới.sqlite"
    barrier = threading.Barrier(4, timeout=30)
    errors: list[BaseException] = []

    def opener() -> None:
        barrier.wait()
        try:
            Registry(db).close()
        except Exception as e:  # collected, shown below
            errors.append(e)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Registry(db) as reg, reg.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM schema_migrations").scalar() == len(MIGRATIONS)
