"""Parse workers die with the process that started them, and a watcher stops when asked (issue 14).

Real ``theodoi`` processes parse the PDF whose objects refer to each other (a parse that never ends), so
their workers are busy when the main process is killed with SIGKILL: within seconds no process of the
tree is left (workers, the forkserver, multiprocessing's resource tracker). Issue 14: killing the main
process of ``watch --workers 2`` left both workers and the resource tracker running (~180 MB each).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.faults.hostile import recursive_pdf

pytestmark = [pytest.mark.faults, pytest.mark.issue(14)]
REPO = Path(__file__).resolve().parents[2]


def _stuck_files(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"vòng lặp {i}.pdf").write_bytes(recursive_pdf() + f"% {i}\n".encode())


def _start(args: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "ingest", *args], cwd=REPO, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def _busy_tree(proc: subprocess.Popen[str], workers: int, timeout: float = 60) -> list[psutil.Process]:
    """The main process's descendants once ``workers`` parse workers (children of the forkserver, not of
    the main process) are parsing (have used CPU)."""
    main = psutil.Process(proc.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        tree = main.children(recursive=True)
        busy = [p for p in tree if _ppid(p) not in (None, main.pid) and _cpu(p) > 0.3]
        if len(busy) >= workers:
            return tree
        time.sleep(0.2)
    raise AssertionError(f"the workers never got busy: {[(p.pid, p.cmdline()[-1][:60]) for p in tree]}")


def _ppid(p: psutil.Process) -> int | None:
    try:
        return p.ppid()
    except psutil.NoSuchProcess:
        return None


def _cpu(p: psutil.Process) -> float:
    try:
        t = p.cpu_times()
        return t.user + t.system
    except psutil.NoSuchProcess:
        return 0.0


def _alive(tree: list[psutil.Process]) -> list[str]:
    left = []
    for p in tree:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{p.pid} {' '.join(p.cmdline())[:80]}")
        except psutil.NoSuchProcess:
            continue
    return left


def _all_gone(tree: list[psutil.Process], within: float = 10) -> None:
    deadline = time.monotonic() + within
    while _alive(tree) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _alive(tree) == [], "left running after the main process died"


@pytest.mark.parametrize(
    ("command", "workers"),
    [("watch", 2), ("ingest", 2), ("ingest", 0)],
    ids=["watch --workers 2", "ingest --workers 2", "ingest --workers 0"],
)
def test_workers_die_with_a_main_process_killed_with_sigkill(tmp_path: Path, command: str, workers: int) -> None:
    folder = tmp_path / "in"
    _stuck_files(folder, 2)
    args = [command, str(folder), "--workers", str(workers), "--db", str(tmp_path / "r.sqlite")]
    proc = _start([*args, "--settle", "0"] if command == "watch" else [*args, "--report", str(tmp_path / "r.json")])
    try:
        tree = _busy_tree(proc, max(1, workers))
        assert len(tree) >= max(1, workers) + 1  # the workers and at least the forkserver
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        _all_gone(tree)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sigterm_stops_a_watcher_whose_worker_is_stuck_and_leaves_the_file(tmp_path: Path) -> None:
    """A watcher asked to stop (systemd, `kill`) does not wait for a parse that never ends: it stops
    within seconds, its worker killed, the file left in the inbox for the next start."""
    inbox = tmp_path / "inbox"
    _stuck_files(inbox, 1)
    proc = _start(["watch", str(inbox), "--settle", "0", "--db", str(tmp_path / "r.sqlite")])
    try:
        tree = _busy_tree(proc, 1)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=20)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0, proc.stderr.read() if proc.stderr else ""
    assert took < 5, took
    _all_gone(tree)
    assert [p.name for p in inbox.iterdir() if p.is_file()] == ["vòng lặp 0.pdf"]
    assert not (inbox / "failed").exists()
