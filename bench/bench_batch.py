"""Batch throughput on the rendered samples with 1 and 2 worker processes, and the inbox under load.

    .venv/bin/python bench/bench_batch.py                 # samples x copies, workers 1 and 2
    .venv/bin/python bench/bench_batch.py --watch 200     # also: 200 one-page letters dropped at once

Each run ingests the same set into a fresh SQLite registry in a temporary folder: ``kh15_plan.pdf`` and
``cv_kgvx_letter.pdf``, each in ``--copies`` variants (a comment after %%EOF, so another sha256 but the same
document). Figures are wall time including worker start-up; the machine (2 cores) may be shared, so run it
twice before quoting a number. Results go to stdout and ``out/bench-batch.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.batch import ingest_parallel  # noqa: E402
from ingest.executors import InlineExecutor, ProcessExecutor  # noqa: E402
from ingest.watch import Inbox, watch  # noqa: E402
from models.settings import IngestSettings  # noqa: E402
from store.registry import Registry  # noqa: E402

SAMPLES = [REPO / "samples" / "kh15_plan.pdf", REPO / "samples" / "cv_kgvx_letter.pdf"]


def make_set(folder: Path, copies: int) -> list[Path]:
    files = []
    for src in SAMPLES:
        data = src.read_bytes()
        for i in range(copies):
            p = folder / f"{src.stem}_{i:03d}.pdf"
            p.write_bytes(data + f"\n% bench copy {i}\n".encode())
            files.append(p)
    return files


def run_batch(files: list[Path], workers: int, work: Path) -> dict[str, float | int]:
    settings = IngestSettings()
    started = time.perf_counter()
    executor = InlineExecutor(settings) if workers == 0 else ProcessExecutor(settings, workers)
    try:
        with Registry(work / f"w{workers}.sqlite") as reg:
            summary = ingest_parallel(files, reg, executor)
    finally:
        executor.close()
    seconds = time.perf_counter() - started
    c = summary.counts()
    return {
        "workers": workers,
        "files": c["files"],
        "failed": c["failed"],
        "pages": c["pages"],
        "tasks": c["tasks"],
        "seconds": round(seconds, 2),
        "pages_per_s": round(c["pages"] / seconds, 2),
    }


def run_watch_load(n: int, work: Path) -> dict[str, float | int]:
    sys.path.insert(0, str(REPO))
    from tests.ingest.conftest import tiny_letter

    inbox = work / "inbox"
    inbox.mkdir()
    data = tiny_letter()
    for i in range(n):
        (inbox / f"cv_{i:04d}.pdf").write_bytes(data + f"\n% load {i}\n".encode())
    started = time.perf_counter()
    with Registry(work / "watch.sqlite") as reg:
        summary = watch(Inbox(inbox, reg, InlineExecutor(IngestSettings()), settle_s=0), once=True)
        registered = [d.file for d in reg.files()]  # renditions of one letter: one document
    seconds = time.perf_counter() - started
    processed = [p for p in (inbox / "processed").rglob("*.pdf")]
    left = [p for p in inbox.iterdir() if p.is_file()]
    return {
        "dropped": n,
        "seconds": round(seconds, 2),
        "files_per_s": round(n / seconds, 2),
        "ingested": summary.counts()["ingested"],
        "lost": n - len(processed) - len(left),
        "left_in_inbox": len(left),
        "duplicated": len(registered) - len(set(registered)) + len(processed) - len({p.name for p in processed}),
        "registered": len(registered),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=3, help="variants of each sample (default 3)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--watch", type=int, default=0, metavar="N", help="also drop N small letters in an inbox")
    ap.add_argument("-o", "--output", type=Path, default=REPO / "out" / "bench-batch.json")
    args = ap.parse_args()
    missing = [str(p) for p in SAMPLES if not p.exists()]
    if missing:
        print(f"missing samples {missing}: run `make samples` first", file=sys.stderr)
        return 2
    result: dict[str, object] = {"copies": args.copies, "runs": []}
    with tempfile.TemporaryDirectory(prefix="theodoi-bench-") as tmp:
        work = Path(tmp)
        (work / "set").mkdir()
        files = make_set(work / "set", args.copies)
        for w in args.workers:
            row = run_batch(files, w, work)
            result["runs"].append(row)  # type: ignore[attr-defined]
            print(f"workers={w}: {row['files']} files, {row['pages']} pages, {row['tasks']} tasks in"
                  f" {row['seconds']} s = {row['pages_per_s']} pages/s", flush=True)  # fmt: skip
        runs = {r["workers"]: r for r in result["runs"]}  # type: ignore[attr-defined]
        if 1 in runs and 2 in runs:
            result["speedup_2_vs_1"] = round(runs[1]["seconds"] / runs[2]["seconds"], 2)
            print(f"speed-up 2 vs 1 workers: {result['speedup_2_vs_1']}x")
        if args.watch:
            result["watch"] = row = run_watch_load(args.watch, work)
            print(f"inbox: {row['dropped']} files in {row['seconds']} s ({row['files_per_s']} files/s);"
                  f" lost {row['lost']}, duplicated {row['duplicated']}, registered {row['registered']}")  # fmt: skip
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
