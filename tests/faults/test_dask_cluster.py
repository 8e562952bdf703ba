"""Dask for real (issue 14): a scheduler and two ``dask worker`` processes over TCP, one killed mid-batch.

The cluster is the one a province would start by hand (``dask scheduler``; ``dask worker ADDRESS`` on each
machine), here on one machine and on 127.0.0.1, each in a session of its own so that a worker can be killed
with its nanny: it is gone for good, not restarted. ``theodoi ingest --executor dask --scheduler ADDRESS``
runs as a process of its own on plans, letters and one file whose parse never ends. The batch must finish
with every good file registered exactly once, as many tasks as the same bytes give when parsed here, and
the endless file stopped by the time limit on the cluster, reported with its reason.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import parse_bytes
from models.settings import IngestSettings
from tests.faults.hostile import Hostile, recursive_pdf
from tests.faults.test_suite import REPO, Batch, check_registry, figures, sha, theodoi
from tests.ingest.conftest import LETTER, PLAN, sample, variant

pytestmark = [pytest.mark.faults, pytest.mark.issue(14), pytest.mark.slow]
DASK = Path(sys.executable).with_name("dask")


def _env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("THEODOI_")}, "PYTHONPATH": str(REPO)}


def _wait_for(what: str, ready: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"the cluster did not come up: {what}")
        time.sleep(0.2)


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """``dask scheduler`` and ``workers`` × ``dask worker`` (one process, one thread each, with a nanny)."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    logs = (folder / "cluster.log").open("wb")
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen([str(DASK), *args], cwd=REPO, env=_env(), stdout=logs, stderr=logs,
                                start_new_session=True)  # fmt: skip
        started.append(proc)
        return proc

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", str(scheduler_file))  # fmt: skip
        _wait_for("scheduler file", scheduler_file.exists)
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        worker_procs = [
            start("worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard", "--memory-limit",
                  "2GiB", "--name", f"theodoi-{i}")
            for i in range(workers)
        ]
        with Client(address, timeout=30, set_as_default=False) as client:
            _wait_for(f"{workers} workers", lambda: len(client.scheduler_info()["workers"]) >= workers)
        yield address, worker_procs
    finally:
        for proc in reversed(started):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        logs.close()


def _registered(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # the tables are not there yet, or the writer holds the lock
        return 0


def test_a_batch_on_a_real_dask_cluster_survives_a_worker_killed_mid_batch(tmp_path: Path) -> None:
    plan, letter = sample(PLAN), sample(LETTER)
    settings = IngestSettings()
    expected_tasks = {"plan": len(parse_bytes(plan, "plan.pdf", settings).tasks),
                      "letter": len(parse_bytes(letter, "letter.pdf", settings).tasks)}  # fmt: skip
    assert expected_tasks["plan"] > 100 and expected_tasks["letter"] > 10

    archive, db, report = tmp_path / "archive", tmp_path / "r.sqlite", tmp_path / "report.json"
    archive.mkdir()
    batch, kind = Batch(), {}
    for i in range(6):
        for name, data in (("plan", variant(plan, 300 + i)), ("letter", variant(letter, 400 + i))):
            (archive / f"{name}_{i}.pdf").write_bytes(data)
            batch.good[sha(data)] = data
            kind[sha(data)] = name
    endless = recursive_pdf()
    (archive / "vòng lặp.pdf").write_bytes(endless)
    batch.bad[sha(endless)] = Hostile("vòng lặp.pdf", lambda good: endless, "took longer than")

    with dask_cluster(tmp_path / "cluster") as (address, workers):
        victim = workers[0]

        def kill_when_work_is_under_way() -> None:
            _wait_for("the first documents registered", lambda: _registered(db) >= 2, timeout=300)
            os.killpg(victim.pid, signal.SIGKILL)  # the nanny with its worker: gone for good

        killer = threading.Thread(target=kill_when_work_is_under_way, daemon=True)
        killer.start()
        run = theodoi(["ingest", str(archive), "--executor", "dask", "--scheduler", address, "--db", str(db),
                       "--report", str(report), "--file-timeout", "20"], timeout=900)  # fmt: skip
        killer.join(timeout=5)
        assert victim.poll() is not None, "the worker was killed while the batch ran"
        assert workers[1].poll() is None, "the other worker is still there"
    figures("ingest --executor dask, 2 TCP workers, one killed", run, batch)

    assert run.code == 5, run.stderr  # one file failed (the endless one), every other one registered
    assert "Traceback" not in run.stderr
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert (summary["summary"]["ingested"], summary["summary"]["failed"]) == (len(batch.good), 1)
    [failure] = summary["failures"]
    assert failure["file"].endswith("vòng lặp.pdf") and "took longer than 20 s" in failure["reason"]
    check_registry(db, batch, failures=1)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        logical = dict(conn.execute("SELECT doc_id, logical_id FROM documents").fetchall())
        counts = dict(conn.execute("SELECT l.logical_id, count(*) FROM tasks t JOIN logical_documents l"
                                   " ON l.primary_doc_id = t.doc_id GROUP BY l.logical_id").fetchall())  # migration 4
    # the six copies of each are renditions of one document (issue 13): its tasks stored once
    assert len(set(logical.values())) == 2
    assert {kind[digest]: counts.get(logical[digest], 0) for digest in batch.good} == expected_tasks
