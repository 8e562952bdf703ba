"""The registry at archive scale (issue 15): the CLI's reads timed as whole processes on 10k–1M tasks.

Usage: .venv/bin/python bench/scale.py [--sizes 10000 100000 1000000] [--engines sqlite postgresql]
                                        [--work out/bench-scale] [--json out/bench-scale.json]
                                        [--skip xlsx report] [--keep] [--build-only]

``--keep`` keeps each SQLite registry in ``--work`` (with the time its build took) and measures a kept one
again instead of rebuilding it: a 1M build takes ~20 minutes here, so it can be made once (``--build-only``)
and measured after the code that reads it changed (the schema must not have changed in between).

The registries are made of real task records: the samples are ingested once (``theodoi ingest``, the
whole pipeline) into a base registry, then each document is registered again and again through the
store's own save path (``Registry.save_document``, the real schema) as a new document: its own doc id,
number, issuer and file name, its lead/co agencies moved round the gazetteer's names, its deadlines moved
by whole months over ten years. The four sample documents stay as they are, with their follow-up link.

Per engine and size it prints each command's wall time and peak memory (RSS of the whole process, from
``wait4``), the same minus a bare ``theodoi --version`` (the start-up every command pays), the registry's
bytes per task, the query plans of the filtered queries, and the time headless Chromium takes to show
the report's first page. The machine is shared: compare ratios and sizes, not single figures.
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from ingest.resources import load_gazetteer  # noqa: E402
from models.document import Document  # noqa: E402
from models.task import AgencyRef, Task  # noqa: E402
from store.registry import Registry, TaskFilter, database_url  # noqa: E402

SAMPLES = [ROOT / "samples" / n for n in ("kh15_plan.pdf", "kh15_plan_v2.pdf", "cv_kgvx_letter.pdf", "kh15_plan.docx")]
AS_OF = date(2026, 7, 1)
AGENCY = "Sở Nội vụ"
PY = [sys.executable, "-m", "ingest"]


# -- building -------------------------------------------------------------------------------------------


def base_registry(work: Path) -> Path:
    """The samples ingested once by the whole pipeline (kept in ``work`` for the next run)."""
    db = work / "base.sqlite"
    if not db.exists():
        part = work / "base.part.sqlite"
        part.unlink(missing_ok=True)
        cmd = [*PY, "-q", "ingest", *map(str, SAMPLES), "--db", str(part), "--report", str(work / "base-batch.json")]
        subprocess.run(cmd, cwd=ROOT, check=True)
        part.rename(db)
    return db


def _shift(d: date | None, months: int) -> date | None:
    """``d`` moved by whole months; a month's last day stays the last day (Quý II → 30/06 → 30/09)."""
    if d is None:
        return None
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    day = last if d.day == calendar.monthrange(d.year, d.month)[1] else min(d.day, last)
    return date(year, month + 1, day)


def _agency_pool() -> list[str]:
    return [e.name for e in load_gazetteer().entries if e.kind == "agency"]


def replicas(base: list[tuple[Document, list[Task]]], copies: int) -> Iterator[tuple[Document, list[Task]]]:
    """``copies`` rounds of every base document, each a distinct document with moved agencies and dates."""
    pool = _agency_pool()
    issuers = [n for n in pool if n.startswith(("UBND", "Ủy ban", "Sở", "Ban"))] or pool
    for k in range(1, copies + 1):
        months = (k * 7) % 121 - 60  # deadlines spread over ten years around the samples' 2026

        def moved(refs: list[AgencyRef], k: int = k) -> list[AgencyRef]:
            out = []
            for a in refs:
                name = pool[(pool.index(a.name) + 11 * k) % len(pool)] if a.name in pool else a.name
                out.append(a.model_copy(update={"name": name, "raw": name if a.raw == a.name else a.raw}))
            return out

        for doc, tasks in base:
            doc_id = hashlib.sha256(f"scale-{k}-{doc.doc_id}".encode()).hexdigest()
            number = doc.meta.number
            serial, _, rest = (number or "").partition("/")
            meta = doc.meta.model_copy(update={
                "number": f"{k}{serial}/{rest}" if number else None, "references": [],
                "issuer": issuers[k % len(issuers)], "issue_date": _shift(doc.meta.issue_date, months),
                "subject": f"{doc.meta.subject or ''} (bản {k})",
            })  # fmt: skip
            stem, dot, ext = doc.file.rpartition(".")
            copy = doc.model_copy(update={"doc_id": doc_id, "meta": meta, "file": f"{stem}-{k:06d}{dot}{ext}", "path": None})
            yield copy, [
                t.model_copy(update={
                    "task_id": hashlib.sha256(f"{doc_id}{t.task_id}".encode()).hexdigest()[:16], "doc_id": doc_id,
                    "lead": moved(t.lead), "co": moved(t.co),
                    "deadline": t.deadline.model_copy(update={"due": _shift(t.deadline.due, months)}),
                })
                for t in tasks
            ]


def build(target: str, base_db: Path, size: int) -> int:
    """A registry of about ``size`` tasks at ``target`` (a fresh file or database); returns its task count."""
    with Registry(base_db) as reg:
        base = [(d, reg.tasks(TaskFilter(doc_ids=[d.doc_id]))) for d in reg.documents()]
    per_round = sum(len(ts) for _, ts in base)
    count = 0
    with Registry(target) as reg:
        for doc, tasks in base:
            reg.save_document(doc, tasks)
            count += len(tasks)
        for doc, tasks in replicas(base, max(0, -(-(size - per_round) // per_round))):
            if count >= size:
                break
            reg.save_document(doc, tasks)
            count += len(tasks)
        if reg.engine.dialect.name == "postgresql":
            with reg.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with reg.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
    return count


def bytes_per_task(target: str, count: int) -> float:
    if "://" not in target:
        return sum(p.stat().st_size for p in Path(target).parent.glob(Path(target).name + "*")) / count
    engine = sa.create_engine(database_url(target))
    with engine.connect() as conn:
        size = conn.scalar(sa.text("SELECT pg_database_size(current_database())"))
    engine.dispose()
    return float(size) / count


# -- measuring -----------------------------------------------------------------------------------------


def run(cmd: list[str], out: Path | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of ``cmd`` as a whole process, from GNU time (``wait4``
    of this process would count the pages a forked child shares with it); stdout goes to ``out`` or nowhere.
    CPU time (user + system) is what a loaded machine distorts least."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats, open(out or os.devnull, "wb") as sink:
        proc = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", stats.name, *cmd], cwd=ROOT, stdout=sink,
                              stderr=subprocess.PIPE, check=False)  # fmt: skip
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.decode(errors='replace')[-2000:]}")
        wall, user, system, kb = stats.read().split()[-4:]
    return float(wall), float(user) + float(system), int(kb) / 1024


def commands(db: str, work: Path, doc_number: str) -> list[tuple[str, list[str]]]:
    as_of = AS_OF.isoformat()
    return [
        ("tasks --agency --overdue", ["tasks", "--agency", AGENCY, "--overdue", "--as-of", as_of, "--limit", "50"]),
        ("tasks --due-before", ["tasks", "--due-before", "2021-03-01", "--limit", "50"]),
        ("tasks --doc", ["tasks", "--doc", doc_number, "--limit", "50"]),
        ("status", ["status", "--as-of", as_of]),
        ("documents", ["documents", "-f", "csv"]),
        ("agencies", ["agencies"]),
        ("export json", ["export", "--format", "json", "-o", str(work / "export.json")]),
        ("export csv", ["export", "--format", "csv", "-o", str(work / "export.csv")]),
        ("export xlsx", ["export", "--format", "xlsx", "-o", str(work / "export.xlsx")]),
        ("report", ["report", "--as-of", as_of, "-o", str(work / "report" / "report.html")]),
    ]


def chromium_first_screen(page: Path, profile: Path) -> float:
    """Seconds headless Chromium takes to load ``page`` and take a screenshot of its first screen."""
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
           "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
           f"--user-data-dir={profile}", "--window-size=1400,1000", f"--screenshot={profile / 'shot.png'}",
           page.as_uri()]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - start


def plans(target: str) -> dict[str, list[str]]:
    some_doc = None
    with Registry(target) as reg:
        some_doc = next(iter(reg.iter_documents())).doc_id
        return {
            "agency + overdue": reg.explain(TaskFilter(agencies=[AGENCY], overdue_as_of=AS_OF, current=True)),
            "due range": reg.explain(TaskFilter(due_from=date(2021, 1, 1), due_until=date(2021, 3, 1), current=True)),
            "document": reg.explain(TaskFilter(doc_ids=[some_doc], current=True)),
            "no lead agency": reg.explain(TaskFilter(no_lead=True, overdue_as_of=AS_OF, current=True)),
        }


def overview_page(target: str, page: Path) -> float:
    """The report's first page alone (what ``theodoi report`` writes first), in this process: seconds."""
    from ingest.report import report_pages

    start = time.perf_counter()
    with Registry(target) as reg:
        _, html = next(report_pages(reg, AS_OF, base_dir=page.parent))
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(html, encoding="utf-8")
    return time.perf_counter() - start


def built(target: str, base_db: Path, size: int, work: Path, keep: bool) -> tuple[int, float]:
    """(task count, build seconds) of the registry at ``target``: built now, or kept by an earlier run."""
    made = work / "built.json"
    if keep and made.exists():
        kept = json.loads(made.read_text(encoding="utf-8"))
        return int(kept["tasks"]), float(kept["build_s"])
    t0 = time.perf_counter()
    count = build(target, base_db, size)
    seconds = time.perf_counter() - t0
    if keep:
        made.write_text(json.dumps({"tasks": count, "build_s": round(seconds, 1)}), encoding="utf-8")
    return count, seconds


def measure(engine: str, target: str, size: int, base_db: Path, work: Path, skip: set[str], *,
            keep: bool = False) -> dict[str, object]:  # fmt: skip
    count, built_s = built(target, base_db, size, work, keep)
    startup, startup_cpu, startup_mb = min(run([*PY, "--version"]) for _ in range(3))
    with Registry(target) as reg:
        doc_number = next(d.meta.number for d in reg.iter_documents() if d.meta.number)
    results: dict[str, object] = {
        "engine": engine, "tasks": count, "build_s": round(built_s, 1), "bytes_per_task": round(bytes_per_task(target, count)),
        "startup_s": round(startup, 2), "startup_cpu": round(startup_cpu, 2), "startup_mb": round(startup_mb), "commands": {}, "plans": plans(target),
    }  # fmt: skip
    for name, args in commands(target, work, doc_number):
        if name in skip or skip & set(name.split()):
            results["commands"][name] = None  # type: ignore[index]
            continue
        wall, cpu, mb = run([*PY, "-q", *args, "--db", target])
        results["commands"][name] = {"s": round(wall, 2), "cpu": round(cpu, 2), "mb": round(mb)}  # type: ignore[index]
        print(f"  {engine} {count:>9,} {name:<26} {wall:7.2f} s {cpu:7.2f} s CPU {mb:7.0f} MB", flush=True)
    profile = Path(tempfile.mkdtemp(prefix="theodoi-chromium-"))
    try:
        blank = work / "blank.html"
        blank.write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
        if "report" in skip:
            results["overview_s"] = round(overview_page(target, work / "report" / "report.html"), 2)
        results["chromium_blank_s"] = round(chromium_first_screen(blank, profile), 2)
        results["chromium_report_s"] = round(chromium_first_screen(work / "report" / "report.html", profile), 2)
        page = work / "report" / "report.html"
        results["report_first_page_kb"] = round(page.stat().st_size / 1024)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return results


def _table(rows: list[dict[str, object]]) -> str:
    names = list(rows[0]["commands"])  # type: ignore[call-overload]
    head = "| command | " + " | ".join(f"{r['engine']} {int(r['tasks']):,}" for r in rows) + " |"  # type: ignore[call-overload]
    lines = [head, "|---|" + "---|" * len(rows)]  # wall (CPU), peak RSS
    for name in names:
        cells = [f"{c['s']} s ({c['cpu']} s CPU), {c['mb']} MB" if (c := r["commands"][name]) else "not run"  # type: ignore[index]
                 for r in rows]  # fmt: skip
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines.append("| start-up (`--version`) | "
                 + " | ".join(f"{r['startup_s']} s ({r['startup_cpu']} s CPU), {r['startup_mb']} MB" for r in rows) + " |")  # fmt: skip
    lines.append("| bytes per task | " + " | ".join(str(r["bytes_per_task"]) for r in rows) + " |")
    lines.append("| report first screen, Chromium (blank page) | "
                 + " | ".join(f"{r['chromium_report_s']} s ({r['chromium_blank_s']} s)" for r in rows) + " |")  # fmt: skip
    lines.append("| build (save_document) | " + " | ".join(f"{r['build_s']} s" for r in rows) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    ap.add_argument("--work", type=Path, default=ROOT / "out" / "bench-scale")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--skip", nargs="*", default=[], help="commands not run (e.g. xlsx report): too long at 1M")
    ap.add_argument("--keep", action="store_true", help="keep SQLite registries in --work; measure kept ones again")
    ap.add_argument("--build-only", action="store_true", help="with --keep: build the SQLite registries and stop")
    args = ap.parse_args()
    args.work = args.work.resolve()  # Chromium is given file:// URLs of pages in it
    args.work.mkdir(parents=True, exist_ok=True)
    base_db = base_registry(args.work)
    rows: list[dict[str, object]] = []
    for engine in args.engines:
        for size in args.sizes:
            work = args.work / f"{engine}-{size}"
            keep = args.keep and engine == "sqlite"
            if not (keep and (work / "built.json").exists()):
                shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True, exist_ok=True)
            if engine == "sqlite" and args.build_only and keep:
                count, seconds = built(str(work / "registry.sqlite"), base_db, size, work, keep=True)
                print(f"  built {engine} {count:,} tasks in {seconds:.1f} s: {work}", flush=True)
                continue
            if engine == "sqlite":
                rows.append(measure(engine, str(work / "registry.sqlite"), size, base_db, work, set(args.skip),
                                    keep=keep))  # fmt: skip
            else:
                from tests.pg_server import throwaway_server

                with throwaway_server("shared_buffers=256MB", "work_mem=16MB") as url:
                    rows.append(measure(engine, url, size, base_db, work, set(args.skip)))
            if keep:  # the registry stays; its exports and report go (gigabytes at 1M)
                for made in work.iterdir():
                    if made.name not in ("registry.sqlite", "built.json"):
                        shutil.rmtree(made) if made.is_dir() else made.unlink()
            else:
                shutil.rmtree(work, ignore_errors=True)  # a 1M registry and its exports are gigabytes
            if args.json:
                args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    if not rows:
        return
    print()
    print(_table(rows))
    print()
    for r in rows:
        print(f"query plans, {r['engine']} {int(r['tasks']):,} tasks:")  # type: ignore[call-overload]
        for name, plan in r["plans"].items():  # type: ignore[attr-defined]
            print(f"  {name}: " + " / ".join(line.strip() for line in plan))


if __name__ == "__main__":
    main()
