"""The body of ``theodoi ingest``: files to registry with a progress bar, one line per file and a summary."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ingest.batch import BatchSummary, collect_files, ingest_parallel
from ingest.executors import ExecutorKind, make_executor
from ingest.pipeline import IngestResult
from models.errors import BadArgsError, ExitCode
from models.registry import Registry
from models.settings import IngestSettings


class PagesPerSecond(ProgressColumn):
    """Pages parsed per second so far (the files' page counts are only known once parsed)."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        pages = task.fields.get("pages", 0)
        return Text(f"{pages / elapsed:5.1f} pages/s" if elapsed > 0 else "  ... pages/s", style="cyan")


def describe(r: IngestResult) -> str:
    """The one line printed per file."""
    if r.status == "failed":
        first = (r.reason or "").splitlines()[0] if r.reason else ""
        return f"[red]FAILED[/red]   {r.file}: {first}"
    if r.status == "skipped":
        return f"skipped  {r.file}: {r.reason}"
    return f"{r.status:8} {r.file}: {r.tasks} tasks, {r.pages} pages"


def summary_line(summary: BatchSummary) -> str:
    c, rate = summary.counts(), summary.rates()
    return (
        f"{c['files']} file(s): {c['ingested']} ingested, {c['replaced']} replaced, {c['skipped']} skipped,"
        f" {c['failed']} failed; {c['tasks']} tasks, {c['pages']} pages in {rate['seconds']:.1f} s"
        f" ({rate['pages_per_s']:.1f} pages/s, {rate['workers']} worker(s), {rate['executor']})"
    )


def run_ingest(
    inputs: list[Path],
    db: str,
    *,
    force: bool,
    recursive: bool,
    report: Path | None,
    console: Console,
    workers: int = 0,
    executor: ExecutorKind = "local",
    scheduler: str | None = None,
    progress: bool | None = None,
) -> int:
    """Ingest ``inputs``; exit code ``partial_batch`` (5) when any file failed.

    ``progress=None`` shows the bar only on a terminal, so logs and CI output stay one line per file.
    """
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise BadArgsError(f"no such file or folder: {', '.join(missing)}")
    if workers < 0:
        raise BadArgsError("--workers must be 0 (in this process) or more")
    files = collect_files(inputs, recursive)
    settings = IngestSettings()
    show_bar = console.is_terminal if progress is None else progress
    bar = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        PagesPerSecond(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        disable=not show_bar,
        transient=False,
    )
    with Registry(db) as reg, bar:
        task_id = bar.add_task("ingest", total=len(files), pages=0)
        pages = 0

        def show(r: IngestResult) -> None:
            nonlocal pages
            pages += r.pages
            bar.console.print(describe(r), highlight=False)
            bar.update(task_id, advance=1, pages=pages)

        pool = make_executor(settings, workers=workers, kind=executor, scheduler=scheduler)
        try:
            summary = ingest_parallel(files, reg, pool, force=force, on_result=show)
        finally:
            pool.close()
    console.print(summary_line(summary), highlight=False)
    for r in summary.failed:
        console.print(f"  failed: {r.file}: {(r.reason or '').splitlines()[0]}", highlight=False)
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(summary.to_json(), encoding="utf-8")
        console.print(f"report: {report}", highlight=False)
    return int(ExitCode.partial_batch) if summary.failed else int(ExitCode.ok)
