"""Faults and load on the inbox: nothing lost, nothing registered twice, every file somewhere visible.

The load test drops ``THEODOI_LOAD_N`` files at once (60 by default so the suite stays quick; run
``THEODOI_LOAD_N=200`` or ``bench/bench_batch.py --watch 200`` for the full figure). The disk-full and
read-only tests mount a small tmpfs (root); without root the read-only test uses chmod, and the disk-full
test fails saying why, never skips.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ingest.executors import InlineExecutor
from ingest.watch import Inbox, watch
from models.errors import ExitCode
from models.settings import IngestSettings
from store.registry import Registry
from tests.ingest.conftest import REPO, corrupt_pdf, files_under, write_variants

pytestmark = pytest.mark.slow


def inbox_files(inbox: Path) -> list[Path]:
    return [p for p in inbox.iterdir() if p.is_file()]


def ledger(inbox: Path, db: Path) -> dict[str, int]:
    """Where every dropped cv_*.pdf is now, and how often the registry holds each one."""
    processed = [p for p in files_under(inbox / "processed") if p.suffix == ".pdf"]
    names = [p.name for p in inbox_files(inbox) + processed if p.name.startswith("cv_")]
    with Registry(db) as reg:
        docs = [d.file for d in reg.documents()]
    return {
        "in_inbox": len([p for p in inbox_files(inbox) if p.suffix == ".pdf"]),
        "processed": len(processed),
        "distinct_files": len(set(names)),
        "copies": len(names) - len(set(names)),
        "registered": len(docs),
        "registered_twice": len(docs) - len(set(docs)),
    }


def test_many_files_dropped_at_once(tmp_path: Path, tiny_bytes: bytes) -> None:
    n = int(os.environ.get("THEODOI_LOAD_N", "60"))
    inbox, db = tmp_path / "inbox", tmp_path / "r.sqlite"
    write_variants(inbox, tiny_bytes, n)
    started = time.perf_counter()
    with Registry(db) as reg:
        summary = watch(Inbox(inbox, reg, InlineExecutor(IngestSettings()), settle_s=0), once=True)
    seconds = time.perf_counter() - started
    print(f"\nload: {n} files in {seconds:.1f} s ({n / seconds:.1f} files/s)")
    assert summary.counts()["ingested"] == n
    assert ledger(inbox, db) == {
        "in_inbox": 0, "processed": n, "distinct_files": n, "copies": 0, "registered": n, "registered_twice": 0
    }  # fmt: skip


def _watch_cmd(inbox: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "ingest", "watch", str(inbox), "--once", "--settle", "0", "--db", str(db)]


def test_watcher_killed_mid_batch_and_restarted_loses_and_doubles_nothing(
    tmp_path: Path, tiny_bytes: bytes
) -> None:
    n = 40
    inbox, db = tmp_path / "inbox", tmp_path / "r.sqlite"
    write_variants(inbox, tiny_bytes, n)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(_watch_cmd(inbox, db), cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while (
            len(files_under(inbox / "processed")) < 5 and time.monotonic() < deadline and proc.poll() is None
        ):
            time.sleep(0.02)
        assert proc.poll() is None, f"the watcher finished before it could be killed: {proc.stderr.read()}"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    mid = ledger(inbox, db)
    assert 5 <= mid["processed"] < n
    # a kill between a move's hard link and its unlink leaves one file under both names (same inode):
    # nothing lost, and the restart finishes that move instead of filing it again
    assert n <= mid["in_inbox"] + mid["processed"] <= n + 1 and mid["copies"] <= 1
    assert mid["processed"] <= mid["registered"] <= mid["processed"] + 1  # at most the one being filed

    done = subprocess.run(
        _watch_cmd(inbox, db), cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert ledger(inbox, db) == {
        "in_inbox": 0, "processed": n, "distinct_files": n, "copies": 0, "registered": n, "registered_twice": 0
    }  # fmt: skip
    assert (
        len([line for line in done.stderr.splitlines() if " -> processed/" in line]) == n - mid["processed"]
    )


@contextmanager
def tmpfs(where: Path, size: str, *, read_only: bool = False) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    opts = f"size={size}" + (",ro" if read_only else "")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.fail(
            f"cannot mount a tmpfs at {where} ({done.stderr.strip()}): run the tests as root (CI does)"
        )
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_read_only_processed_folder_keeps_the_file_in_the_inbox_until_it_is_writable(
    tmp_path: Path, tiny_bytes: bytes
) -> None:
    inbox, db = tmp_path / "inbox", tmp_path / "r.sqlite"
    inbox.mkdir()
    (inbox / "cv_ro.pdf").write_bytes(tiny_bytes)
    processed = inbox / "processed"
    if os.geteuid() == 0:
        ctx = tmpfs(processed, "1m", read_only=True)
    else:
        processed.mkdir()
        processed.chmod(0o555)
        ctx = contextmanager(lambda: iter([processed]))()
    with ctx, Registry(db) as reg:
        box = Inbox(inbox, reg, InlineExecutor(IngestSettings()), settle_s=0)
        first = watch(box, once=True).results
        assert [(r.status, r.moved_to) for r in first] == [("retry", None)]
        assert "cannot be moved to processed/" in (first[0].reason or "")
        assert "Read-only file system" in (first[0].reason or "") or "Permission denied" in (
            first[0].reason or ""
        )
        assert [p.name for p in inbox_files(inbox)] == ["cv_ro.pdf"]
        assert len(reg.documents()) == 1
        if os.geteuid() == 0:
            subprocess.run(["mount", "-o", "remount,rw", str(processed)], check=True)
        else:
            processed.chmod(0o755)
        second = watch(Inbox(inbox, reg, InlineExecutor(IngestSettings()), settle_s=0), once=True).results
        assert [r.status for r in second] == ["filed"]
        assert inbox_files(inbox) == []
        assert [p.name for p in files_under(processed)] == ["cv_ro.pdf"]
        assert len(reg.documents()) == 1


def test_registry_disk_full_leaves_nothing_half_written_and_the_file_in_the_inbox(
    tmp_path: Path, tiny_bytes: bytes
) -> None:
    if os.geteuid() != 0:
        pytest.fail("the disk-full test mounts a tmpfs and needs root (CI runs as root); run it as root")
    inbox = tmp_path / "inbox"
    write_variants(inbox, tiny_bytes, 3)
    with tmpfs(tmp_path / "disk", "2m") as disk:
        db = disk / "r.sqlite"
        Registry(db).close()
        filler = disk / "filler"
        with open(filler, "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        with Registry(db) as reg:
            results = watch(
                Inbox(inbox, reg, InlineExecutor(IngestSettings()), settle_s=0), once=True
            ).results
            assert {r.status for r in results} == {"retry"}
            assert all("registry refused the write" in (r.reason or "") for r in results)
            assert reg.documents() == [] and reg.tasks() == []
        assert len(inbox_files(inbox)) == 3
        filler.unlink()
        with Registry(db) as reg:
            results = watch(
                Inbox(inbox, reg, InlineExecutor(IngestSettings()), settle_s=0), once=True
            ).results
            assert [r.status for r in results] == ["ingested"] * 3
            assert len(reg.documents()) == 3 and len(reg.tasks()) == 9
        assert inbox_files(inbox) == []


def test_corrupt_files_among_good_ones_in_worker_processes(tmp_path: Path, tiny_bytes: bytes) -> None:
    """Through the CLI with 2 worker processes: the bad files go to failed/, the good ones are filed."""
    inbox, db = tmp_path / "inbox", tmp_path / "r.sqlite"
    write_variants(inbox, tiny_bytes, 6)
    (inbox / "cv_hỏng_1.pdf").write_bytes(corrupt_pdf(tiny_bytes))
    (inbox / "cv_rỗng.pdf").write_bytes(b"")
    from ingest.cli import main

    code = main(["watch", str(inbox), "--once", "--settle", "0", "--workers", "2", "--db", str(db)])
    assert code == ExitCode.partial_batch
    failed = sorted(p.name for p in (inbox / "failed").iterdir() if p.suffix == ".pdf")
    assert failed == ["cv_hỏng_1.pdf", "cv_rỗng.pdf"]
    assert "empty" in (inbox / "failed" / "cv_rỗng.pdf.error.txt").read_text(encoding="utf-8")
    assert inbox_files(inbox) == []
    with Registry(db) as reg:
        assert len(reg.documents()) == 6


def test_a_move_cut_between_link_and_unlink_is_finished_at_start(tmp_path: Path, tiny_bytes: bytes) -> None:
    inbox, db = tmp_path / "inbox", tmp_path / "r.sqlite"
    write_variants(inbox, tiny_bytes, 2)
    first = sorted(p for p in inbox.iterdir() if p.suffix == ".pdf")[0]
    with Registry(db) as reg:
        summary = watch(Inbox(inbox, reg, InlineExecutor(IngestSettings()), settle_s=0), once=True)
        assert summary.counts()["ingested"] == 2
        [filed] = [p for p in files_under(inbox / "processed") if p.name == first.name]
        os.link(filed, first)  # the state a SIGKILL between os.link and os.unlink leaves behind
        inbox_obj = Inbox(inbox, reg, InlineExecutor(IngestSettings()), settle_s=0)
        assert inbox_obj.finish_interrupted_moves() == 1
        assert not first.exists() and filed.exists()
        assert ledger(inbox, db) == {
            "in_inbox": 0, "processed": 2, "distinct_files": 2, "copies": 0, "registered": 2, "registered_twice": 0
        }  # fmt: skip


@pytest.mark.issue(14)
def test_a_full_inbox_disk_still_files_the_failure_and_says_where(
    tmp_path: Path, tiny_bytes: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 14: a full inbox disk left a 0-byte .error.txt in failed/, no failure row, and a log line
    saying the file stayed in the inbox. Now: the file is in failed/, no empty note, the reason is in the
    registry and in the log, which says where the file is."""
    if os.geteuid() != 0:
        pytest.fail("the disk-full test mounts a tmpfs and needs root (CI runs as root); run it as root")
    db = tmp_path / "r.sqlite"
    with tmpfs(tmp_path / "inbox", "1m") as inbox:
        (inbox / "hỏng.pdf").write_bytes(corrupt_pdf(tiny_bytes))
        (inbox / "failed").mkdir()
        with open(inbox / ".filler", "wb", buffering=0) as f:  # a hidden name: the watcher ignores it
            try:
                while True:
                    f.write(b"\0" * 4096)
                    f.flush()
            except OSError:
                pass
        executor = InlineExecutor(IngestSettings())
        try:
            with Registry(db) as reg, caplog.at_level("INFO", logger="theodoi.watch"):
                [result] = watch(Inbox(inbox, reg, executor, settle_s=0), once=True).results
                with reg.engine.connect() as conn:
                    rows = conn.exec_driver_sql("SELECT file, reason FROM failures").all()
        finally:
            executor.close()
        assert (result.status, result.moved_to) == ("failed", "failed/hỏng.pdf")
        assert sorted(p.name for p in (inbox / "failed").iterdir()) == ["hỏng.pdf"]
        assert [(f, "corrupt PDF" in r) for f, r in rows] == [("failed/hỏng.pdf", True)]
        [line] = [r.getMessage() for r in caplog.records if "hỏng.pdf" in r.getMessage()]
        assert "-> failed/hỏng.pdf" in line and "could not be written" in line and "No space left" in line
        assert "stays in the inbox" not in caplog.text


@pytest.mark.issue(14)
def test_a_failed_file_left_without_its_reason_is_taken_again_at_start(tmp_path: Path, tiny_bytes: bytes) -> None:
    """The state a watcher killed between moving a bad file to failed/ and writing its reason leaves:
    the next start takes the file again, so it ends in failed/ with its reason and a failure row."""
    inbox, db = tmp_path / "inbox", tmp_path / "r.sqlite"
    (inbox / "failed").mkdir(parents=True)
    (inbox / "failed" / "hỏng.pdf").write_bytes(corrupt_pdf(tiny_bytes))
    (inbox / "failed" / "cũ.pdf").write_bytes(b"")  # filed earlier, with its reason: left alone
    (inbox / "failed" / "cũ.pdf.error.txt").write_text("cũ.pdf: the file is empty\n", encoding="utf-8")
    executor = InlineExecutor(IngestSettings())
    try:
        with Registry(db) as reg:
            [result] = watch(Inbox(inbox, reg, executor, settle_s=0), once=True).results
            with reg.engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT file FROM failures").scalars().all()
    finally:
        executor.close()
    assert (result.file, result.status) == ("hỏng.pdf", "failed")
    assert sorted(p.name for p in (inbox / "failed").iterdir()) == [
        "cũ.pdf", "cũ.pdf.error.txt", "hỏng.pdf", "hỏng.pdf.error.txt"
    ]  # fmt: skip
    assert "corrupt PDF" in (inbox / "failed" / "hỏng.pdf.error.txt").read_text(encoding="utf-8")
    assert rows == ["failed/hỏng.pdf"]
    assert inbox_files(inbox) == []
