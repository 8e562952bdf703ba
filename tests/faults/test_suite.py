"""The fault suite: a mixed batch of good and hostile files through the real commands (issue 14).

``theodoi ingest DIR --workers 2`` and ``theodoi watch INBOX --once`` run as processes of their own on
good documents (some under hostile names) mixed with hostile ones (tests/faults/hostile.py). After each
run: ``PRAGMA integrity_check`` is ok, every good file is registered exactly once, every bad file is
reported (ingest) or in ``failed/`` with its reason (watch) and in the registry's failures, nothing else
is left in the inbox, and no process of the run is left. The peak memory of the whole process tree is
sampled and printed with the run's time (the README's figures come from ``make test-faults``).

The fast set runs in ``make test``; ``faults(full=True)`` adds the big bombs, a real scan, and kills.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from ingest.safe_names import display_path
from tests.faults.hostile import HOSTILE_NAMES, Hostile, hostile_files
from tests.ingest.conftest import LETTER, SAMPLES, variant

pytestmark = [pytest.mark.faults, pytest.mark.issue(14)]
REPO = Path(__file__).resolve().parents[2]
FILE_TIMEOUT = "6"  # the endless parse is stopped after this; every good file here takes under 2 s
GIB = 1024**3


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Batch:
    """What was dropped: good bytes and hostile files, by content (names are changed by the inbox)."""

    good: dict[str, bytes] = field(default_factory=dict)  # sha256 -> bytes
    bad: dict[str, Hostile] = field(default_factory=dict)  # sha256 -> what it is


def drop(folder: Path, good: bytes, *, full: bool, scan: bool = False) -> Batch:
    """Write the mixed batch into ``folder``: good letters (some under hostile names), a Word file, the
    hostile files; with ``scan`` one scanned PDF too (OCR)."""
    folder.mkdir(parents=True, exist_ok=True)
    batch = Batch()
    root = os.fsencode(folder)

    def put(name: str | bytes, data: bytes) -> None:
        raw = name if isinstance(name, bytes) else name.encode()
        with open(os.path.join(root, raw), "wb") as f:
            f.write(data)

    for i in range(3):
        data = variant(good, 100 + i)
        put(f"cv_{i}.pdf", data)
        batch.good[sha(data)] = data
    for i, name in enumerate(HOSTILE_NAMES):
        data = variant(good, 200 + i)
        put(name, data)
        batch.good[sha(data)] = data
    docx = (SAMPLES / "cv_kgvx_letter.docx").read_bytes()
    put("công văn.docx", docx)
    batch.good[sha(docx)] = docx
    if scan:
        data = (SAMPLES / "scans" / "cv_kgvx_letter_p4_300dpi.pdf").read_bytes()
        put("bản quét.pdf", data)
        batch.good[sha(data)] = data
    for hostile in hostile_files(full):
        data = hostile.build(good)
        assert sha(data) not in batch.good and sha(data) not in batch.bad, hostile.name
        put(hostile.name, data)
        batch.bad[sha(data)] = hostile
    return batch


@dataclass
class Run:
    code: int
    stderr: str
    seconds: float
    peak_rss: int  # bytes, the whole process tree at its largest
    peak_process: int  # bytes, the largest single process
    processes: int  # how many processes the run had at most


def theodoi(args: list[str], *, timeout: float = 600, kill_at: list[float] | None = None) -> Run:
    """Run ``python -m ingest ARGS`` and sample its process tree's memory every 50 ms."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("THEODOI_")}, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "ingest", *args], cwd=REPO, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    peak = {"tree": 0, "one": 0, "n": 0}
    seen: dict[int, psutil.Process] = {}
    done = threading.Event()

    def sample() -> None:
        main = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                tree = [main, *main.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for p in tree:
                seen.setdefault(p.pid, p)
                try:
                    rss = p.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
                total += rss
                peak["one"] = max(peak["one"], rss)
            peak["tree"] = max(peak["tree"], total)
            peak["n"] = max(peak["n"], len(tree))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        _, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        done.set()
        sampler.join()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(seen.values()):
        time.sleep(0.1)
    assert _alive(seen.values()) == [], "processes of the run left running"
    return Run(proc.returncode, err, time.monotonic() - started, peak["tree"], peak["one"], peak["n"])


def _alive(procs: object) -> list[str]:
    left = []
    for p in procs:  # type: ignore[attr-defined]
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{p.pid} {' '.join(p.cmdline())[:80]}")
        except psutil.NoSuchProcess:
            continue
    return left


def check_registry(db: Path, batch: Batch, *, failures: int) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        ids = [row[0] for row in conn.execute("SELECT doc_id FROM documents")]
        failed = conn.execute("SELECT count(*) FROM failures").fetchone()[0]
    assert sorted(ids) == sorted(batch.good), "every good file registered exactly once, nothing else"
    assert failed >= failures


def figures(label: str, run: Run, batch: Batch) -> str:
    line = (
        f"{label}: {len(batch.good)} good + {len(batch.bad)} hostile files in {run.seconds:.1f} s,"
        f" exit {run.code}, peak memory {run.peak_rss / 2**20:.0f} MB for {run.processes} processes"
        f" (largest one {run.peak_process / 2**20:.0f} MB)"
    )
    print("\n" + line)
    return line


# -- ingest --------------------------------------------------------------------------------------------
def ingest_and_check(tmp_path: Path, good: bytes, *, full: bool, workers: int = 2) -> Run:
    folder, db, report = tmp_path / "archive", tmp_path / "r.sqlite", tmp_path / "report.json"
    batch = drop(folder, good, full=full, scan=full)
    run = theodoi(["ingest", str(folder), "--workers", str(workers), "--db", str(db), "--report", str(report),
                   "--file-timeout", FILE_TIMEOUT, "--worker-memory", "1024"])  # fmt: skip
    figures(f"ingest --workers {workers}", run, batch)
    assert run.code == 5, run.stderr  # some files failed, the registry took every write
    assert "Traceback" not in run.stderr
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["summary"]["files"] == len(batch.good) + len(batch.bad)
    assert (summary["summary"]["ingested"], summary["summary"]["failed"]) == (len(batch.good), len(batch.bad))
    shown = {display_path(Path(os.fsdecode(p))): sha(Path(os.fsdecode(p)).read_bytes())
             for p in (os.path.join(os.fsencode(folder), n) for n in os.listdir(os.fsencode(folder)))}  # fmt: skip
    failed = {shown[f["file"]]: f["reason"].lower() for f in summary["failures"]}
    assert sorted(failed) == sorted(batch.bad)
    for digest, hostile in batch.bad.items():
        assert hostile.reason in failed[digest], f"{hostile.name!r}: {failed[digest]}"
    check_registry(db, batch, failures=len(batch.bad))
    return run


def test_a_mixed_batch_through_ingest_with_two_workers(tmp_path: Path, letter_bytes: bytes) -> None:
    ingest_and_check(tmp_path, letter_bytes, full=False)


@pytest.mark.faults(full=True)
def test_the_full_mixed_batch_through_ingest_with_two_workers(tmp_path: Path, letter_bytes: bytes) -> None:
    run = ingest_and_check(tmp_path, letter_bytes, full=True)
    assert run.peak_process < 2 * GIB


# -- watch ---------------------------------------------------------------------------------------------
def watch_args(inbox: Path, db: Path, workers: int) -> list[str]:
    return ["watch", str(inbox), "--once", "--settle", "0", "--settle-timeout", "0", "--workers", str(workers),
            "--db", str(db), "--file-timeout", FILE_TIMEOUT, "--worker-memory", "1024"]  # fmt: skip


def check_inbox(inbox: Path, db: Path, batch: Batch) -> None:
    """Good bytes once each in processed/, bad bytes once each in failed/ beside their reason, the inbox
    otherwise empty, the registry consistent."""
    left = [p for p in inbox.iterdir() if p.is_file()]
    assert left == [], f"left in the inbox: {left}"
    assert sorted(p.name for p in inbox.iterdir()) == [".theodoi", "failed", "processed"]
    processed = [p for p in (inbox / "processed").rglob("*") if p.is_file()]
    assert sorted(sha(p.read_bytes()) for p in processed) == sorted(batch.good)
    failed = [p for p in (inbox / "failed").iterdir() if not p.name.endswith(".error.txt")]
    assert sorted(sha(p.read_bytes()) for p in failed) == sorted(batch.bad)
    for p in failed:
        hostile = batch.bad[sha(p.read_bytes())]
        note = p.with_name(p.name + ".error.txt").read_text(encoding="utf-8").lower()
        assert hostile.reason in note, f"{hostile.name!r}: {note}"
        assert "\n" not in p.name and os.fsencode(p.name).decode("utf-8")
    check_registry(db, batch, failures=len(batch.bad))


def watch_and_check(tmp_path: Path, good: bytes, *, full: bool, workers: int) -> Run:
    inbox, db = tmp_path / "inbox", tmp_path / "r.sqlite"
    batch = drop(inbox, good, full=full, scan=full)
    run = theodoi(watch_args(inbox, db, workers))
    figures(f"watch --once --workers {workers}", run, batch)
    assert run.code == 5, run.stderr  # files failed; none left in the inbox, the registry took every write
    assert "Traceback" not in run.stderr
    check_inbox(inbox, db, batch)
    return run


def test_a_mixed_batch_dropped_into_the_inbox(tmp_path: Path, letter_bytes: bytes) -> None:
    watch_and_check(tmp_path, letter_bytes, full=False, workers=0)


@pytest.mark.faults(full=True)
@pytest.mark.parametrize("workers", [0, 2])
def test_the_full_mixed_batch_dropped_into_the_inbox(tmp_path: Path, letter_bytes: bytes, workers: int) -> None:
    run = watch_and_check(tmp_path, letter_bytes, full=True, workers=workers)
    assert run.peak_process < 2 * GIB


@pytest.mark.faults(full=True)
def test_the_watcher_killed_at_random_moments_loses_and_doubles_nothing(
    tmp_path: Path, letter_bytes: bytes
) -> None:
    """SIGKILL of the watcher (its workers die with it) at random moments, restarted each time; then a
    last run to the end. The same end state as an undisturbed run."""
    inbox, db = tmp_path / "inbox", tmp_path / "r.sqlite"
    batch = drop(inbox, letter_bytes, full=False)
    for i in range(20, 22):
        data = variant(letter_bytes, i)
        (inbox / f"thêm_{i}.pdf").write_bytes(data)
        batch.good[sha(data)] = data
    rng = random.Random(14)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("THEODOI_")}, "PYTHONPATH": str(REPO)}
    kills = 0
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-m", "ingest", *watch_args(inbox, db, 2)], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        tree: list[psutil.Process] = []
        deadline = time.monotonic() + rng.uniform(2.5, 6.0)
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                tree = [*tree, *psutil.Process(proc.pid).children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            time.sleep(0.1)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        end = time.monotonic() + 10
        while _alive(tree) and time.monotonic() < end:
            time.sleep(0.1)
        assert _alive(tree) == []
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert kills >= 3
    final = theodoi(watch_args(inbox, db, 2))
    assert final.code in (0, 5), final.stderr
    check_inbox(inbox, db, batch)


@pytest.mark.faults(full=True)
def test_workers_killed_at_random_moments_cost_nothing_after_a_resumed_run(
    tmp_path: Path, letter_bytes: bytes
) -> None:
    """Parse workers SIGKILLed mid-batch (as the OOM killer does): the batch finishes, and a second run
    (resumable) leaves every good file registered exactly once."""
    folder, db = tmp_path / "archive", tmp_path / "r.sqlite"
    batch = drop(folder, letter_bytes, full=False, scan=True)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("THEODOI_")}, "PYTHONPATH": str(REPO)}
    args = ["ingest", str(folder), "--workers", "2", "--db", str(db), "--report", str(tmp_path / "a.json"),
            "--file-timeout", FILE_TIMEOUT]  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "ingest", *args], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    rng = random.Random(14)
    killed = 0
    try:
        main = psutil.Process(proc.pid)
        while proc.poll() is None and killed < 3:
            time.sleep(rng.uniform(0.5, 2.0))
            workers = [p for p in main.children(recursive=True) if p.ppid() != main.pid]
            if workers:
                rng.choice(workers).kill()
                killed += 1
        _, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 5 and "Traceback" not in err, err
    again = theodoi(["ingest", str(folder), "--workers", "2", "--db", str(db), "--report", str(tmp_path / "b.json"),
                     "--file-timeout", FILE_TIMEOUT])  # fmt: skip
    assert again.code == 5
    check_registry(db, batch, failures=len(batch.bad))
    assert killed >= 1


@pytest.mark.faults(full=True)
def test_two_batches_on_one_sqlite_file_at_once(tmp_path: Path, letter_bytes: bytes) -> None:
    """Two ``ingest`` processes on the same archive and registry at the same time: each good file is
    registered once (the loser of a race is told 'registered meanwhile by another writer')."""
    folder, db = tmp_path / "archive", tmp_path / "r.sqlite"
    batch = drop(folder, letter_bytes, full=False)
    results: list[Run] = []

    def one(i: int) -> None:
        results.append(theodoi(["ingest", str(folder), "--workers", "1", "--db", str(db), "--report",
                                str(tmp_path / f"{i}.json"), "--file-timeout", FILE_TIMEOUT]))  # fmt: skip

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.code for r in results] == [5, 5], [r.stderr for r in results]
    check_registry(db, batch, failures=len(batch.bad))
    reports = [json.loads((tmp_path / f"{i}.json").read_text(encoding="utf-8"))["summary"] for i in range(2)]
    assert sum(r["ingested"] for r in reports) == len(batch.good)


@pytest.mark.faults(full=True)
def test_a_real_letter_and_scan_still_parse_alone(tmp_path: Path) -> None:
    """The guards take nothing from good files: the sample letter and a scan, same tasks as before."""
    db = tmp_path / "r.sqlite"
    run = theodoi(["ingest", str(LETTER), str(SAMPLES / "scans" / "cv_kgvx_letter_p4_300dpi.pdf"), "--db", str(db),
                   "--report", str(tmp_path / "r.json")])  # fmt: skip
    assert run.code == 0, run.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
