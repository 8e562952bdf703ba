"""The body of ``theodoi ingest``: files to registry with a progress bar, one line per file and a summary.

On a terminal (stderr) a bar counts files and, while a scan is being read with ``--workers 0``, its pages
(OCR'd pages done / pages to OCR): a 20-page scan takes a minute and should not look hung. When stderr is
not a terminal (a log, CI, a pipe) there is no bar, only the one line per file.
"""

from __future__ import annotations

import threading
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ingest.batch import BatchSummary, collect_files, ingest_parallel
from ingest.executors import ExecutorKind, make_executor, ocr_page_progress, worker_settings  # noqa: F401 - ocr_page_progress re-exported
from ingest.spine import IngestResult
from models.errors import BadArgsError, ExitCode
from store.registry import Registry


class PagesPerSecond(ProgressColumn):
    """Pages parsed per second so far (the files' page counts are only known once parsed)."""

    def render(self, task: Task) -> Text:
        if "pages" not in task.fields:
            return Text("")
        elapsed = task.elapsed or 0.0
        pages = task.fields.get("pages", 0)
        return Text(f"{pages / elapsed:5.1f} pages/s" if elapsed > 0 else "  ... pages/s", style="cyan")


def _first_line(text: str | None) -> str:
    return (text or "").splitlines()[0] if text else ""


def describe(r: IngestResult) -> Text:
    """The one line printed per file (a ``Text``: a file named "[red]x.pdf" is printed as it is)."""
    if r.status == "failed":
        line = Text("FAILED", style="red")
        line.append(f"   {r.file}: {_first_line(r.reason)}")
        return line
    if r.status == "skipped":
        return Text(f"skipped  {r.file}: {r.reason}")
    return Text(f"{r.status:8} {r.file}: {r.tasks} tasks, {r.pages} pages")


def summary_line(summary: BatchSummary) -> str:
    c, rate = summary.counts(), summary.rates()
    return (
        f"{c['files']} file(s): {c['ingested']} ingested, {c['replaced']} replaced, {c['skipped']} skipped,"
        f" {c['failed']} failed; {c['tasks']} tasks, {c['pages']} pages in {rate['seconds']:.1f} s"
        f" ({rate['pages_per_s']:.1f} pages/s, {rate['workers']} worker(s), {rate['executor']})"
    )


class _PageBar:
    """The "OCR k/n pages" line under the file bar, for the file being parsed in this process."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task: TaskID | None = None
        self.lock = threading.Lock()

    def start(self, total: int) -> None:
        with self.lock:
            self.stop()
            self.task = self.bar.add_task("OCR", total=total)

    def advance(self) -> None:
        with self.lock:
            if self.task is not None:
                self.bar.advance(self.task)

    def stop(self) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
            self.task = None


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
    quiet: bool = False,
    file_timeout_s: float | None = None,
    worker_memory_mb: int | None = None,
) -> int:
    """Ingest ``inputs``; exit code ``partial_batch`` (5) when any file failed, ``registry_error`` (4) when
    the registry refused a write.

    ``progress=None`` shows the bar only on a terminal, so logs and CI output stay one line per file.
    ``quiet`` prints the failures only (no per-file lines for the others, no summary).
    ``file_timeout_s``, ``worker_memory_mb`` (defaults: ``IngestSettings``): a file whose parse takes
    longer, or needs more memory, is stopped and reported failed.
    """
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise BadArgsError(f"no such file or folder: {', '.join(missing)}")
    if workers < 0:
        raise BadArgsError("--workers must be 0 (in this process) or more")
    files = collect_files(inputs, recursive)
    settings = worker_settings(file_timeout_s, worker_memory_mb)
    show_bar = (console.is_terminal if progress is None else progress) and not quiet
    bar = Progress(
        TextColumn("[bold]{task.description}"),
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
    pages_bar = _PageBar(bar)
    one_at_a_time = workers == 0 and executor == "local"
    # the OCR page line of the one file being parsed (in the worker process, which sends each page)
    page_progress = (pages_bar.start, pages_bar.advance) if show_bar and one_at_a_time else None
    with Registry(db) as reg, bar:
        task_id = bar.add_task("ingest", total=len(files), pages=0)
        pages = 0

        def show(r: IngestResult) -> None:
            nonlocal pages
            pages += r.pages
            with pages_bar.lock:
                pages_bar.stop()
            if not quiet or r.status == "failed":
                bar.console.print(describe(r), highlight=False, soft_wrap=True)
            bar.update(task_id, advance=1, pages=pages)

        pool = make_executor(settings, workers=workers, kind=executor, scheduler=scheduler, progress=page_progress)
        try:
            summary = ingest_parallel(files, reg, pool, force=force, on_result=show)
        finally:
            pool.close()
        # the registry's failures (disk full, read-only, a server down) make the exit code 4, not 5
        refusals = set(reg.errors)
        refused = [r for r in summary.failed if r.reason in refusals]
    if not quiet:
        console.print(summary_line(summary), highlight=False, soft_wrap=True)
        for r in summary.failed:
            console.print(Text(f"  failed: {r.file}: {_first_line(r.reason)}"), highlight=False, soft_wrap=True)
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(summary.to_json(), encoding="utf-8")
        if not quiet:
            console.print(Text(f"report: {report}"), highlight=False, soft_wrap=True)
    if refused:
        return int(ExitCode.registry_error)
    return int(ExitCode.partial_batch) if summary.failed else int(ExitCode.ok)

