"""``theodoi ingest DIR --recursive --workers N``: resumable, parallel, one writer, a report at the end."""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import time
from pathlib import Path

import psutil
import pytest
from rich.console import Console

from ingest.batch import collect_files, ingest_parallel
from ingest.cli import main
from ingest.cli_ingest import run_ingest
from ingest.executors import DaskExecutor, InlineExecutor, ProcessExecutor
from models.errors import ExitCode
from models.settings import IngestSettings
from store.registry import Registry
from tests.faults.hostile import recursive_pdf
from tests.ingest.conftest import corrupt_pdf, variant, write_variants


def archive(root: Path, tiny: bytes, n: int = 6) -> Path:
    """A nested archive: n good letters in two levels, one corrupt PDF, one copy, one text file."""
    write_variants(root / "2025", tiny, n // 2, stem="cv")
    write_variants(root / "2026" / "quý 1", tiny, n - n // 2, start=n // 2, stem="cv")
    (root / "2026" / "hỏng.pdf").write_bytes(corrupt_pdf(tiny))
    (root / "2026" / "bản sao.pdf").write_bytes(variant(tiny, 0))  # same bytes as 2025/cv_0000.pdf
    (root / "2026" / "ghi chú.txt").write_text("không phải văn bản", encoding="utf-8")  # not collected
    return root


def task_ids(db: str | Path) -> list[str]:
    with Registry(db) as reg:
        return sorted(t.task_id for t in reg.tasks())


def test_recursive_batch_resumes_and_reports(tmp_path: Path, tiny_bytes: bytes) -> None:
    root = archive(tmp_path / "lưu trữ", tiny_bytes)
    db, report = tmp_path / "r.sqlite", tmp_path / "out" / "batch-report.json"
    args = ["ingest", str(root), "--recursive", "--db", str(db), "--report", str(report)]
    assert main(args) == ExitCode.partial_batch
    first = json.loads(report.read_text(encoding="utf-8"))
    assert first["summary"] | {"tasks": 0, "pages": 0} == {
        "files": 8, "ingested": 6, "replaced": 0, "skipped": 1, "failed": 1, "tasks": 0, "pages": 0
    }  # fmt: skip
    assert first["summary"]["tasks"] == 18 and first["summary"]["pages"] == 6
    assert [f["file"].rsplit("/", 1)[-1] for f in first["failures"]] == ["hỏng.pdf"]
    assert "corrupt PDF" in first["failures"][0]["reason"]
    ids = task_ids(db)
    assert len(ids) == len(set(ids)) == 18

    # an interrupted run resumes: everything registered is skipped without being parsed again
    assert main(args) == ExitCode.partial_batch
    again = json.loads(report.read_text(encoding="utf-8"))["summary"]
    assert (again["ingested"], again["skipped"], again["failed"]) == (0, 7, 1)

    # --force after a parser upgrade: tasks replaced per document, ids unchanged
    assert main([*args, "--force"]) == ExitCode.partial_batch
    forced = json.loads(report.read_text(encoding="utf-8"))["summary"]
    assert (forced["replaced"], forced["skipped"]) == (6, 1)
    assert task_ids(db) == ids


def test_without_failures_the_exit_code_is_ok(tmp_path: Path, tiny_bytes: bytes) -> None:
    write_variants(tmp_path / "in", tiny_bytes, 2)
    code = main(
        [
            "ingest",
            str(tmp_path / "in"),
            "--db",
            str(tmp_path / "r.sqlite"),
            "--report",
            str(tmp_path / "r.json"),
        ]
    )
    assert code == ExitCode.ok


def test_progress_bar_shows_pages_per_second_and_eta(tmp_path: Path, tiny_bytes: bytes) -> None:
    write_variants(tmp_path / "in", tiny_bytes, 3)
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=140, color_system=None)
    code = run_ingest([tmp_path / "in"], str(tmp_path / "r.sqlite"), force=False, recursive=False, report=None,
                      console=console, progress=True)  # fmt: skip
    text = buf.getvalue()
    assert code == ExitCode.ok
    assert "pages/s" in text and "ETA" in text and "3/3" in text
    assert "3 file(s): 3 ingested" in text


@pytest.mark.slow
def test_two_worker_processes_register_the_same_tasks_as_one_process(
    tmp_path: Path, tiny_bytes: bytes
) -> None:
    files = [*write_variants(tmp_path / "in", tiny_bytes, 8), tmp_path / "in" / "hỏng.pdf"]
    (tmp_path / "in" / "hỏng.pdf").write_bytes(corrupt_pdf(tiny_bytes))
    settings = IngestSettings()
    with Registry(tmp_path / "one.sqlite") as reg:
        one = ingest_parallel(files, reg, InlineExecutor(settings))
    pool = ProcessExecutor(settings, 2)
    try:
        with Registry(tmp_path / "two.sqlite") as reg:
            two = ingest_parallel(files, reg, pool)
    finally:
        pool.close()
    assert one.counts() == two.counts() == {
        "files": 9, "ingested": 8, "replaced": 0, "skipped": 0, "failed": 1, "tasks": 24, "pages": 8
    }  # fmt: skip
    assert sorted(r.file for r in two.results) == sorted(str(f) for f in files)  # each file exactly once
    assert task_ids(tmp_path / "one.sqlite") == task_ids(tmp_path / "two.sqlite")


@pytest.mark.slow
@pytest.mark.postgres
def test_dask_cluster_into_postgresql(tmp_path: Path, tiny_bytes: bytes, pg_db: str) -> None:
    """The whole 'beyond one machine' path: a Dask scheduler over TCP, the registry in PostgreSQL."""
    from distributed import LocalCluster

    root = archive(tmp_path / "in", tiny_bytes, n=4)
    report = tmp_path / "report.json"
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        code = main(["ingest", str(root), "-r", "--executor", "dask", "--scheduler", cluster.scheduler_address,
                     "--db", pg_db, "--report", str(report)])  # fmt: skip
    assert code == ExitCode.partial_batch
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["run"]["executor"] == "DaskExecutor"
    assert (summary["summary"]["ingested"], summary["summary"]["failed"]) == (4, 1)
    sqlite = tmp_path / "inline.sqlite"
    main(["ingest", str(root), "-r", "--db", str(sqlite), "--report", str(tmp_path / "r2.json")])
    assert task_ids(pg_db) == task_ids(sqlite)
    with Registry(pg_db) as reg:
        assert [f for f in reg.documents() if f.file == "hỏng.pdf"] == []


def test_dask_local_cluster_in_threads(tmp_path: Path, tiny_bytes: bytes) -> None:
    files = write_variants(tmp_path / "in", tiny_bytes, 3)
    executor = DaskExecutor(IngestSettings(), 1, processes=False)
    try:
        with Registry(tmp_path / "r.sqlite") as reg:
            summary = ingest_parallel(files, reg, executor)
    finally:
        executor.close()
    assert summary.counts()["ingested"] == 3


def test_unreachable_scheduler_is_a_clear_error() -> None:
    from models.errors import BadArgsError
    from tests.ingest.conftest import free_port

    with pytest.raises(BadArgsError, match="cannot reach the Dask scheduler"):
        DaskExecutor(IngestSettings(), 1, scheduler=f"tcp://127.0.0.1:{free_port()}", connect_timeout_s=2)


def test_collect_skips_the_inbox_folders(tmp_path: Path) -> None:
    for rel in ("a.pdf", "processed/2026-06/b.pdf", "failed/c.pdf", "sub/d.PDF", "sub/e.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"%PDF-1.4")
    assert [p.relative_to(tmp_path).as_posix() for p in collect_files([tmp_path], True)] == [
        "a.pdf",
        "sub/d.PDF",
    ]


@pytest.mark.issue(14)
def test_a_parse_that_never_ends_is_stopped_and_the_batch_goes_on(tmp_path: Path, tiny_bytes: bytes) -> None:
    """The ~500-byte PDF whose objects 5 and 6 refer to each other (pdfminer loops for ever), with
    ``--workers 0``: its parse is killed at --file-timeout, it is reported, the others are registered."""
    folder = tmp_path / "in"
    write_variants(folder, tiny_bytes, 2)
    (folder / "vòng lặp.pdf").write_bytes(recursive_pdf())
    db, report = tmp_path / "r.sqlite", tmp_path / "report.json"
    started = time.monotonic()
    code = main(["ingest", str(folder), "--db", str(db), "--report", str(report), "--file-timeout", "3"])
    took = time.monotonic() - started
    assert code == ExitCode.partial_batch
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert (summary["summary"]["ingested"], summary["summary"]["failed"]) == (2, 1)
    [failure] = summary["failures"]
    assert failure["file"].endswith("vòng lặp.pdf")
    assert "took longer than 3 s" in failure["reason"]
    assert took < 40, took
    with Registry(db) as reg:
        assert len(reg.documents()) == 2


@pytest.mark.issue(14)
@pytest.mark.slow
def test_a_stuck_worker_is_killed_alone_and_the_others_finish(tmp_path: Path, tiny_bytes: bytes) -> None:
    files = write_variants(tmp_path / "in", tiny_bytes, 5)
    (tmp_path / "in" / "vòng lặp.pdf").write_bytes(recursive_pdf())
    files.insert(1, tmp_path / "in" / "vòng lặp.pdf")
    pool = ProcessExecutor(IngestSettings(file_timeout_s=4), 2)
    stuck: list[int] = []

    def note(result: object) -> None:
        stuck.extend(pid for pid, name, _ in pool.running() if name == "vòng lặp.pdf")

    try:
        with Registry(tmp_path / "r.sqlite") as reg:
            summary = ingest_parallel(files, reg, pool, on_result=note)
    finally:
        pool.close()
    assert summary.counts() | {"tasks": 0} == {
        "files": 6, "ingested": 5, "replaced": 0, "skipped": 0, "failed": 1, "tasks": 0, "pages": 5
    }  # fmt: skip
    [failed] = summary.failed
    assert failed.file.endswith("vòng lặp.pdf") and "took longer than 4 s" in (failed.reason or "")
    assert stuck, "the stuck parse was never seen running"
    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie" for pid in stuck)


@pytest.mark.issue(14)
@pytest.mark.slow
def test_a_worker_killed_twice_costs_only_its_own_file(tmp_path: Path, tiny_bytes: bytes) -> None:
    """A worker killed from outside (the OOM killer) is replaced; its file is retried once, then reported
    as a crash. The files the other worker parses meanwhile are registered (issue 14: with --workers 1 a
    good file in flight was moved to failed/ as 'died twice')."""
    files = write_variants(tmp_path / "in", tiny_bytes, 6)
    (tmp_path / "in" / "vòng lặp.pdf").write_bytes(recursive_pdf())
    files.insert(0, tmp_path / "in" / "vòng lặp.pdf")
    pool = ProcessExecutor(IngestSettings(file_timeout_s=120), 2)
    kills: list[int] = []
    done = threading.Event()

    def killer() -> None:
        while len(kills) < 2 and not done.is_set():
            for pid, name, seconds in pool.running():
                if name == "vòng lặp.pdf" and seconds > 0.5 and pid not in kills:
                    os.kill(pid, signal.SIGKILL)
                    kills.append(pid)
            time.sleep(0.05)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        with Registry(tmp_path / "r.sqlite") as reg:
            summary = ingest_parallel(files, reg, pool)
    finally:
        done.set()
        thread.join()
        pool.close()
    assert len(kills) == 2
    assert summary.counts()["ingested"] == 6
    [failed] = summary.failed
    assert failed.file.endswith("vòng lặp.pdf") and "died twice" in (failed.reason or "")
