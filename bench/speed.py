"""Issue 12's three speed targets, measured as whole processes side by side (median of N, ratio printed).

  digital  ``theodoi ingest samples/kh15_plan.pdf --db <fresh SQLite>`` against a bare script that opens the
           same PDF with pdfplumber and calls ``page.extract_tables()`` on every page; wall time; target ≤ 1.0×.
  version  ``theodoi --version``; wall time; target < 0.3 s.
  scan     ``theodoi ingest`` of a 300-dpi scan against bare single-threaded tesseract
           (``OMP_THREAD_LIMIT=1 tesseract page.png - -l vie``) over the same pages rendered at the same dpi
           (pdftoppm, once, not timed); CPU time (user + sys) of each whole process tree; target ≤ 1.3×.

Each run is a fresh interpreter, exactly what a user starts: the theodoi side is ``python -c "from ingest.cli
import main; main()"`` run from this checkout (the installed ``theodoi`` script calls the same ``main``).
Baseline and theodoi alternate within each repetition (and swap order every other one), so machine load
hits both alike; the ratios are the robust figures on a shared machine, the seconds are not.

CPU time of a process tree: this process makes itself a child subreaper (Linux ``PR_SET_CHILD_SUBREAPER``),
so a descendant that outlives its parent (the parse forkserver) is re-parented here and reaped, and
``getrusage(RUSAGE_CHILDREN)`` then counts every process the run started.

Usage: ``.venv/bin/python bench/speed.py [--repeat 5] [--only digital,version,scan,digital-inprocess,scan-inprocess] [--scan FILE ...]``
(``*-inprocess``: the same ingest with ``--file-timeout 0``, parsed without the parse server.)
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "samples" / "kh15_plan.pdf"
SCANS = [
    ROOT / "samples" / "scans" / n for n in ("cv_kgvx_letter_p1-3_300dpi.pdf", "cv_kgvx_letter_p4_300dpi.pdf")
]
THEODOI = [sys.executable, "-c", "import sys; from ingest.cli import main; sys.exit(main())"]
BARE_TABLES = (
    "import sys, pdfplumber\n"
    "with pdfplumber.open(sys.argv[1]) as pdf:\n"
    "    print(sum(len(page.extract_tables()) for page in pdf.pages))\n"
)
TESS_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
_PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _reap_orphans(deadline_s: float = 15.0) -> None:
    """Wait for descendants re-parented here (a forkserver exits once its client has gone)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the whole process tree) of one command, which must succeed."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - t0
    _reap_orphans()
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode()[-2000:]}")
    return wall, _children_cpu() - cpu0


def ingest_cmd(files: list[Path], db: Path) -> list[str]:
    return [*THEODOI, "ingest", *map(str, files), "--db", str(db), "--report", str(db.with_suffix(".json"))]


def side_by_side(repeat: int, bare: list[str], ours_in: callable, env: dict | None = None) -> dict:
    """Alternate bare and ours ``repeat`` times; medians of wall and CPU for both."""
    walls: dict[str, list[float]] = {"bare": [], "ours": []}
    cpus: dict[str, list[float]] = {"bare": [], "ours": []}
    for i in range(repeat):
        order = ("bare", "ours") if i % 2 == 0 else ("ours", "bare")
        for side in order:
            with tempfile.TemporaryDirectory() as tmp:
                wall, cpu = run(bare, env) if side == "bare" else run(ours_in(Path(tmp)))
            walls[side].append(wall)
            cpus[side].append(cpu)
    med = {f"{k}_{s}": statistics.median(v[s]) for k, v in (("wall", walls), ("cpu", cpus)) for s in v}
    return med


def bench_digital(repeat: int, in_process: bool = False) -> None:
    """``in_process``: ``--file-timeout 0``, so the file is parsed in the theodoi process itself (no parse
    server, hence no per-file time limit): what the parse server's second interpreter costs."""
    bare = [sys.executable, "-c", BARE_TABLES, str(PLAN)]
    extra = ["--file-timeout", "0"] if in_process else []
    m = side_by_side(repeat, bare, lambda tmp: ingest_cmd([PLAN], tmp / "registry.sqlite") + extra)
    ratio = m["wall_ours"] / m["wall_bare"]
    how = " --file-timeout 0" if in_process else ""
    print(
        f"digital  {PLAN.name}: theodoi ingest{how} {m['wall_ours']:.2f} s, bare pdfplumber extract_tables()"
        f" {m['wall_bare']:.2f} s (wall, median of {repeat}) -> {ratio:.2f}x (target <= 1.0x);"
        f" CPU {m['cpu_ours']:.2f} s vs {m['cpu_bare']:.2f} s -> {m['cpu_ours'] / m['cpu_bare']:.2f}x"
    )


def bench_version(repeat: int) -> None:
    bare = [sys.executable, "-c", "pass"]
    m = side_by_side(repeat, bare, lambda tmp: [*THEODOI, "--version"])
    print(f"version  theodoi --version {m['wall_ours']:.3f} s (bare interpreter {m['wall_bare']:.3f} s,"
          f" wall, median of {repeat}) (target < 0.3 s); CPU {m['cpu_ours']:.3f} s (bare {m['cpu_bare']:.3f} s)")  # fmt: skip


def _render_pages(scans: list[Path], dpi: int, into: Path) -> list[Path]:
    pages: list[Path] = []
    for n, scan in enumerate(scans):
        prefix = into / f"s{n}"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(scan), str(prefix)], check=True)
        pages += sorted(into.glob(f"s{n}-*.png"))
    return pages


def bench_scan(repeat: int, scans: list[Path], dpi: int = 300, in_process: bool = False) -> None:
    with tempfile.TemporaryDirectory() as pages_dir:
        pages = _render_pages(scans, dpi, Path(pages_dir))
        # one shell runs tesseract once per page, one after the other: its children's CPU is the baseline
        script = "; ".join(f"tesseract {p} - -l vie >/dev/null 2>&1" for p in pages)
        bare = ["sh", "-c", script]
        extra = ["--file-timeout", "0"] if in_process else []
        m = side_by_side(
            repeat, bare, lambda tmp: ingest_cmd(scans, tmp / "registry.sqlite") + extra, TESS_ENV
        )
    ratio = m["cpu_ours"] / m["cpu_bare"]
    names = " + ".join(s.name for s in scans)
    how = " --file-timeout 0" if in_process else ""
    print(f"scan     {names} ({len(pages)} pages at {dpi} dpi): theodoi ingest{how} CPU {m['cpu_ours']:.2f} s"
          f" (wall {m['wall_ours']:.2f} s), bare tesseract CPU {m['cpu_bare']:.2f} s (wall {m['wall_bare']:.2f} s),"
          f" median of {repeat} -> {ratio:.2f}x CPU (target <= 1.3x)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--only", default="digital,version,scan", help="also: digital-inprocess, scan-inprocess"
    )
    parser.add_argument(
        "--scan", type=Path, nargs="+", default=SCANS, help="scanned PDFs (default: the letter)"
    )
    args = parser.parse_args(argv)
    _become_subreaper()
    print(
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start (the machine may be shared)"
    )
    only = set(args.only.split(","))
    if "digital" in only:
        bench_digital(args.repeat)
    if "digital-inprocess" in only:
        bench_digital(args.repeat, in_process=True)
    if "version" in only:
        bench_version(args.repeat)
    if "scan" in only:
        bench_scan(args.repeat, [p.resolve() for p in args.scan])
    if "scan-inprocess" in only:
        bench_scan(args.repeat, [p.resolve() for p in args.scan], in_process=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
