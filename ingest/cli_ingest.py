"""The body of ``theodoi ingest``: files to registry with one line per file and a summary."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from ingest.batch import collect_files, ingest_files
from ingest.pipeline import IngestResult
from models.errors import BadArgsError, ExitCode
from models.registry import Registry
from models.settings import IngestSettings


def run_ingest(
    inputs: list[Path], db: str, *, force: bool, recursive: bool, report: Path | None, console: Console
) -> int:
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise BadArgsError(f"no such file or folder: {', '.join(missing)}")
    files = collect_files(inputs, recursive)
    settings = IngestSettings()

    def show(r: IngestResult) -> None:
        if r.status == "failed":
            console.print(f"[red]FAILED[/red]  {r.file}: {r.reason}")
        elif r.status == "skipped":
            console.print(f"skipped  {r.file}: {r.reason}")
        else:
            console.print(f"{r.status:8} {r.file}: {r.tasks} tasks, {r.pages} pages")

    with Registry(db) as reg:
        summary = ingest_files(files, settings, reg, force=force, on_result=show)
    counts = summary.counts()
    console.print(
        f"{counts['files']} file(s): {counts['ingested']} ingested, {counts['replaced']} replaced, "
        f"{counts['skipped']} skipped, {counts['failed']} failed; {counts['tasks']} tasks, {counts['pages']} pages"
    )
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(summary.to_json(), encoding="utf-8")
    return int(ExitCode.partial_batch) if summary.failed else int(ExitCode.ok)
